// Dense GEMM family: C (+)= A·B (+ bias) on strided views, for the forward (x·w), both backward
// products (dy·wᵀ, xᵀ·dy, the latter split-K over the node dimension) and the bias gradient.
//
// Every tiled entry point gives one invocation a 4×4 block of outputs held in registers: on the
// software adapter per-invocation overhead dominates, and on real GPUs the 8 loads feeding 16 FMAs
// (or 8 vec4 loads feeding 64) keep the kernel off the memory roof.
//
// Two families of entry points share one bind-group layout:
//   - scalar (`gemm_tile`, `colsum`, `splitk_reduce`, `gemm_naive`): any offset, any stride, any
//     size; out-of-range rows/cols of a tile are clamped for loads and masked for stores.
//   - vec4 (`gemm_nn4`, `gemm_nt4`, `gemm_tn4`): every view's offset, row stride and column count is
//     a multiple of 4, so rows can be read as array<vec4f>; offsets/strides arrive in vec4 units.
// The two families declare the same bindings with different element types; no entry point uses
// both, which WGSL allows.
//
// Sections (joined by src/kernels/gemm-dispatch.ts): `header` (parameters, bindings, stores) is
// shared with the workgroup-tiled variant in gemm-tiled.wgsl; `register` holds these entry points.

//! header
struct Params {
  rows: u32,      // I: output rows
  cols: u32,      // J: output columns
  inner: u32,     // P: reduction length
  a_off: u32,
  a_rs: u32,      // A(i, p) = a[a_off + i*a_rs + p*a_cs] (scalar path)
  a_cs: u32,
  b_off: u32,
  b_rs: u32,      // B(p, j) = b[b_off + p*b_rs + j*b_cs] (scalar path)
  b_cs: u32,
  c_off: u32,
  c_rs: u32,
  bias_off: u32,
  flags: u32,     // bit 0: accumulate into C; bit 1: add bias
  chunk: u32,     // reduction rows per split (workgroup z); splits write to C + z*c_zs
  c_zs: u32,
  col_tiles: u32, // column tiles: ceil(J / 4) here, ceil(J / 64) in gemm-tiled.wgsl
}

const WG: u32 = 64u;
const ACCUMULATE: u32 = 1u;
const BIAS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

@group(0) @binding(1) var<storage, read> a4: array<vec4f>;
@group(0) @binding(2) var<storage, read> b4: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> c4: array<vec4f>;

fn linear_id(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// The reduction range of split z (one split when chunk >= inner).
fn split_range(z: u32) -> vec2u {
  let p0 = min(z * p.chunk, p.inner);
  return vec2u(p0, min(p0 + p.chunk, p.inner));
}

fn store_scalar(i: u32, j: u32, z: u32, v: f32) {
  if (i >= p.rows || j >= p.cols) { return; }
  let idx = p.c_off + z * p.c_zs + i * p.c_rs + j;
  var r = v;
  if ((p.flags & BIAS) != 0u) { r += bias[p.bias_off + j]; }
  if ((p.flags & ACCUMULATE) != 0u) { r += c[idx]; }
  c[idx] = r;
}

// Row i of C holds one vec4 (4 columns) of this tile; bias and accumulate as in the scalar path.
fn store4(i: u32, jt: u32, z: u32, v: vec4f) {
  if (i >= p.rows) { return; }
  let idx = p.c_off + z * p.c_zs + i * p.c_rs + jt;
  var r = v;
  if ((p.flags & BIAS) != 0u) { r += bias4[p.bias_off + jt]; }
  if ((p.flags & ACCUMULATE) != 0u) { r += c4[idx]; }
  c4[idx] = r;
}

//! register
// ---- scalar path ---------------------------------------------------------------------------------

@compute @workgroup_size(WG)
fn gemm_tile(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_id(gid, nwg);
  let row_tiles = (p.rows + 3u) / 4u;
  if (t >= row_tiles * p.col_tiles) { return; }
  let i0 = (t / p.col_tiles) * 4u;
  let j0 = (t % p.col_tiles) * 4u;
  // Clamped rows/cols load valid data that the masked stores then drop.
  let ia = vec4u(
    p.a_off + min(i0, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 1u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 2u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 3u, p.rows - 1u) * p.a_rs,
  );
  let jb = vec4u(
    p.b_off + min(j0, p.cols - 1u) * p.b_cs,
    p.b_off + min(j0 + 1u, p.cols - 1u) * p.b_cs,
    p.b_off + min(j0 + 2u, p.cols - 1u) * p.b_cs,
    p.b_off + min(j0 + 3u, p.cols - 1u) * p.b_cs,
  );
  let range = split_range(gid.z);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = range.x; k < range.y; k++) {
    let pa = k * p.a_cs;
    let pb = k * p.b_rs;
    let bv = vec4f(b[pb + jb.x], b[pb + jb.y], b[pb + jb.z], b[pb + jb.w]);
    acc0 += a[ia.x + pa] * bv;
    acc1 += a[ia.y + pa] * bv;
    acc2 += a[ia.z + pa] * bv;
    acc3 += a[ia.w + pa] * bv;
  }
  let z = select(0u, gid.z, p.chunk < p.inner);
  for (var q = 0u; q < 4u; q++) {
    store_scalar(i0, j0 + q, z, acc0[q]);
    store_scalar(i0 + 1u, j0 + q, z, acc1[q]);
    store_scalar(i0 + 2u, j0 + q, z, acc2[q]);
    store_scalar(i0 + 3u, j0 + q, z, acc3[q]);
  }
}

// Column sums of A (rows × cols, reduction over rows): one column per invocation and split, adjacent
// invocations on adjacent columns so the reads coalesce.
@compute @workgroup_size(WG)
fn colsum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = linear_id(gid, nwg);
  if (j >= p.cols) { return; }
  let range = split_range(gid.z);
  var s = 0.0;
  for (var k = range.x; k < range.y; k++) {
    s += a[p.a_off + k * p.a_rs + j];
  }
  store_scalar(0u, j, select(0u, gid.z, p.chunk < p.inner), s);
}

// Pass 2 of split-K: C (+)= Σ_z partial[z] in fixed z order, so results do not depend on scheduling.
// Partials are contiguous rows × cols blocks, `inner` of them, c_zs apart.
@compute @workgroup_size(WG)
fn splitk_reduce(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linear_id(gid, nwg);
  if (id >= p.rows * p.cols) { return; }
  var s = 0.0;
  for (var z = 0u; z < p.inner; z++) {
    s += a[z * p.c_zs + id];
  }
  let i = id / p.cols;
  let idx = p.c_off + i * p.c_rs + (id - i * p.cols);
  if ((p.flags & ACCUMULATE) != 0u) { s += c[idx]; }
  c[idx] = s;
}

// Benchmark baseline: one output per invocation, no reuse of loaded values.
@compute @workgroup_size(WG)
fn gemm_naive(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linear_id(gid, nwg);
  if (id >= p.rows * p.cols) { return; }
  let i = id / p.cols;
  let j = id - i * p.cols;
  var s = 0.0;
  for (var k = 0u; k < p.inner; k++) {
    s += a[p.a_off + i * p.a_rs + k * p.a_cs] * b[p.b_off + k * p.b_rs + j * p.b_cs];
  }
  c[p.c_off + i * p.c_rs + j] = s;
}

// ---- vec4 path (offsets and strides in vec4 units; a_cs, b_cs unused) ------------------------------

// C = A·B with A (rows × inner) and B (inner × cols) row-major: the forward x·w.
@compute @workgroup_size(WG)
fn gemm_nn4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_id(gid, nwg);
  let row_tiles = (p.rows + 3u) / 4u;
  if (t >= row_tiles * p.col_tiles) { return; }
  let i0 = (t / p.col_tiles) * 4u;
  let jt = t % p.col_tiles;
  let ia = vec4u(
    p.a_off + min(i0, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 1u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 2u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 3u, p.rows - 1u) * p.a_rs,
  );
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var jb = p.b_off + jt;
  for (var k4 = 0u; k4 < p.inner / 4u; k4++) {
    let b0 = b4[jb];
    let b1 = b4[jb + p.b_rs];
    let b2 = b4[jb + 2u * p.b_rs];
    let b3 = b4[jb + 3u * p.b_rs];
    jb += 4u * p.b_rs;
    let x0 = a4[ia.x + k4];
    let x1 = a4[ia.y + k4];
    let x2 = a4[ia.z + k4];
    let x3 = a4[ia.w + k4];
    acc0 += x0.x * b0 + x0.y * b1 + x0.z * b2 + x0.w * b3;
    acc1 += x1.x * b0 + x1.y * b1 + x1.z * b2 + x1.w * b3;
    acc2 += x2.x * b0 + x2.y * b1 + x2.z * b2 + x2.w * b3;
    acc3 += x3.x * b0 + x3.y * b1 + x3.z * b2 + x3.w * b3;
  }
  store4(i0, jt, 0u, acc0);
  store4(i0 + 1u, jt, 0u, acc1);
  store4(i0 + 2u, jt, 0u, acc2);
  store4(i0 + 3u, jt, 0u, acc3);
}

// C = A·Bᵀ with A (rows × inner) and B (cols × inner) row-major: the input gradient dy·wᵀ. Both
// operands run along the reduction, so each step is 16 dot products of vec4s.
@compute @workgroup_size(WG)
fn gemm_nt4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_id(gid, nwg);
  let row_tiles = (p.rows + 3u) / 4u;
  if (t >= row_tiles * p.col_tiles) { return; }
  let i0 = (t / p.col_tiles) * 4u;
  let jt = t % p.col_tiles;
  let ia = vec4u(
    p.a_off + min(i0, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 1u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 2u, p.rows - 1u) * p.a_rs,
    p.a_off + min(i0 + 3u, p.rows - 1u) * p.a_rs,
  );
  let jb = p.b_off + 4u * jt * p.b_rs;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k4 = 0u; k4 < p.inner / 4u; k4++) {
    let w0 = b4[jb + k4];
    let w1 = b4[jb + p.b_rs + k4];
    let w2 = b4[jb + 2u * p.b_rs + k4];
    let w3 = b4[jb + 3u * p.b_rs + k4];
    let y0 = a4[ia.x + k4];
    let y1 = a4[ia.y + k4];
    let y2 = a4[ia.z + k4];
    let y3 = a4[ia.w + k4];
    acc0 += vec4f(dot(y0, w0), dot(y0, w1), dot(y0, w2), dot(y0, w3));
    acc1 += vec4f(dot(y1, w0), dot(y1, w1), dot(y1, w2), dot(y1, w3));
    acc2 += vec4f(dot(y2, w0), dot(y2, w1), dot(y2, w2), dot(y2, w3));
    acc3 += vec4f(dot(y3, w0), dot(y3, w1), dot(y3, w2), dot(y3, w3));
  }
  store4(i0, jt, 0u, acc0);
  store4(i0 + 1u, jt, 0u, acc1);
  store4(i0 + 2u, jt, 0u, acc2);
  store4(i0 + 3u, jt, 0u, acc3);
}

// C = Aᵀ·B with A (inner × rows) and B (inner × cols) row-major: the weight gradient xᵀ·dy, split
// over the reduction (workgroup z) into partial blocks c_zs apart. Each step is one outer product
// of two vec4 loads.
@compute @workgroup_size(WG)
fn gemm_tn4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_id(gid, nwg);
  let row_tiles = p.rows / 4u;
  if (t >= row_tiles * p.col_tiles) { return; }
  let it = t / p.col_tiles;
  let jt = t % p.col_tiles;
  let range = split_range(gid.z);
  var ka = p.a_off + range.x * p.a_rs + it;
  var kb = p.b_off + range.x * p.b_rs + jt;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = range.x; k < range.y; k++) {
    let xv = a4[ka];
    let dv = b4[kb];
    ka += p.a_rs;
    kb += p.b_rs;
    acc0 += xv.x * dv;
    acc1 += xv.y * dv;
    acc2 += xv.z * dv;
    acc3 += xv.w * dv;
  }
  let z = select(0u, gid.z, p.chunk < p.inner);
  store4(4u * it, jt, z, acc0);
  store4(4u * it + 1u, jt, z, acc1);
  store4(4u * it + 2u, jt, z, acc2);
  store4(4u * it + 3u, jt, z, acc3);
}
