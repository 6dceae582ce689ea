// Workgroup-tiled GEMM, the variant real GPUs want: a workgroup of 16×16 invocations owns a 64×64
// block of C, stages 16-deep slices of A and B in workgroup memory, and each invocation keeps a
// 4×4 block of outputs in registers (rows ty + 16r, columns tx + 16c, so neighbouring invocations
// store neighbouring columns). Every operand value is read from device memory once per workgroup
// instead of once per invocation. On the software adapter the barriers cost more than the reuse
// saves; the autotuner decides per adapter.
//
// One entry point serves x·w, dy·wᵀ and the split-K xᵀ·dy: operands are addressed through their
// strides (the `header` section of gemm.wgsl), and each tile is loaded along whichever of its two
// dimensions is contiguous in memory so the loads coalesce. Any size, offset and stride: loads past
// an edge read zero, stores past it are masked. Workgroup z is the split of the reduction.

const TILE: u32 = 64u;
const DEPTH: u32 = 16u;
// Row pitch of the staged slices: one more than TILE, so the transposing stores below fall in
// different memory banks.
const PITCH: u32 = 65u;

var<workgroup> sa: array<f32, 1040>; // DEPTH × PITCH: sa[k * PITCH + i] = A(i0 + i, k0 + k)
var<workgroup> sb: array<f32, 1040>; // DEPTH × PITCH: sb[k * PITCH + j] = B(k0 + k, j0 + j)

fn load_a(i: u32, k: u32, k_end: u32) -> f32 {
  if (i >= p.rows || k >= k_end) { return 0.0; }
  return a[p.a_off + i * p.a_rs + k * p.a_cs];
}

fn load_b(k: u32, j: u32, k_end: u32) -> f32 {
  if (k >= k_end || j >= p.cols) { return 0.0; }
  return b[p.b_off + k * p.b_rs + j * p.b_cs];
}

@compute @workgroup_size(256)
fn gemm_wg(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u,
           @builtin(num_workgroups) nwg: vec3u) {
  let t = wg.x + wg.y * nwg.x;
  let row_tiles = (p.rows + TILE - 1u) / TILE;
  if (t >= row_tiles * p.col_tiles) { return; }
  let i0 = (t / p.col_tiles) * TILE;
  let j0 = (t % p.col_tiles) * TILE;
  let tx = li % 16u;
  let ty = li / 16u;
  let a_k_fast = p.a_cs == 1u;
  let b_j_fast = p.b_cs == 1u;
  let range = split_range(wg.z);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k0 = range.x; k0 < range.y; k0 += DEPTH) {
    // 1024 values of each operand, four per invocation, consecutive invocations on consecutive
    // addresses of whichever dimension is contiguous.
    for (var q = 0u; q < 4u; q++) {
      let e = li + q * 256u;
      var ii = e % TILE;
      var ka = e / TILE;
      if (a_k_fast) {
        ii = e / DEPTH;
        ka = e % DEPTH;
      }
      sa[ka * PITCH + ii] = load_a(i0 + ii, k0 + ka, range.y);
      var jj = e % TILE;
      var kb = e / TILE;
      if (!b_j_fast) {
        jj = e / DEPTH;
        kb = e % DEPTH;
      }
      sb[kb * PITCH + jj] = load_b(k0 + kb, j0 + jj, range.y);
    }
    workgroupBarrier();
    for (var k = 0u; k < DEPTH; k++) {
      let ra = k * PITCH + ty;
      let rb = k * PITCH + tx;
      let av = vec4f(sa[ra], sa[ra + 16u], sa[ra + 32u], sa[ra + 48u]);
      let bv = vec4f(sb[rb], sb[rb + 16u], sb[rb + 32u], sb[rb + 48u]);
      acc0 += av.x * bv;
      acc1 += av.y * bv;
      acc2 += av.z * bv;
      acc3 += av.w * bv;
    }
    workgroupBarrier();
  }
  let z = select(0u, wg.z, p.chunk < p.inner);
  for (var c = 0u; c < 4u; c++) {
    let j = j0 + tx + 16u * c;
    store_scalar(i0 + ty, j, z, acc0[c]);
    store_scalar(i0 + ty + 16u, j, z, acc1[c]);
    store_scalar(i0 + ty + 32u, j, z, acc2[c]);
    store_scalar(i0 + ty + 48u, j, z, acc3[c]);
  }
}
