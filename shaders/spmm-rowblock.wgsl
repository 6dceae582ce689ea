// out (+)= A·x, GE-SpMM style: a workgroup of 64 invocations owns a block of rows, TPR invocations
// per row, each of them 8 consecutive channels (two vec4 lanes). A row's column indices and
// weights are staged in workgroup memory by the invocations of that row together (one coalesced
// load of 4·TPR entries per step, instead of every invocation loading every entry), and the row's
// invocations then read neighbouring channels of each source row. Channels past 8·TPR take further
// passes over the row. No output is shared between invocations: deterministic, no atomics.
//
// Joined after the `header` and the `scalar` or `vec4` accessor section of spmm.wgsl (same
// uniform block and bindings as the per-invocation kernel there).

// Invocations per row: a power of two ≤ 64 with 8·TPR covering the channels where possible.
override TPR: u32 = 8u;

const GROUP: u32 = 64u;
// Entries of one row staged per step: four per invocation of the row.
const PER_LANE: u32 = 4u;

var<workgroup> staged_col: array<u32, 256>;
var<workgroup> staged_val: array<f32, 256>;
var<workgroup> longest: u32;

@compute @workgroup_size(64)
fn spmm_rowblock(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u,
                 @builtin(num_workgroups) nwg: vec3u) {
  let rows_per_group = GROUP / TPR;
  let step = PER_LANE * TPR;
  let slot = li / TPR;
  let lane = li % TPR;
  let first = (wg.x + wg.y * nwg.x) * rows_per_group;
  let i = first + slot;
  let live = i < p.rows;
  var k0 = 0u;
  var len = 0u;
  if (live) {
    k0 = row_ptr[i];
    len = row_ptr[i + 1u] - k0;
  }
  // Every row of the block walks the same number of steps (barriers need uniform control flow):
  // as many as the block's longest row takes.
  if (li == 0u) {
    var m = 0u;
    for (var r = first; r < min(first + rows_per_group, p.rows); r++) {
      m = max(m, row_ptr[r + 1u] - row_ptr[r]);
    }
    longest = m;
  }
  let entries = workgroupUniformLoad(&longest);
  let o = p.out_off + i * p.out_stride;
  for (var c0 = 0u; c0 < p.cols; c0 += 8u * TPR) {
    let ca = c0 + 8u * lane;
    let cb = ca + 4u;
    var acc_a = vec4f(0.0);
    var acc_b = vec4f(0.0);
    for (var s = 0u; s < entries; s += step) {
      for (var q = 0u; q < PER_LANE; q++) {
        let e = s + lane + q * TPR;
        if (e < len) {
          let at = slot * step + lane + q * TPR;
          staged_col[at] = col_idx[k0 + e];
          var w = 1.0;
          if (HAS_VALUES) { w = vals[k0 + e]; }
          staged_val[at] = w;
        }
      }
      workgroupBarrier();
      let n = min(step, len - min(s, len));
      for (var t = 0u; t < n; t++) {
        let at = slot * step + t;
        let base = p.x_off + staged_col[at] * p.x_stride;
        let w = vec4f(staged_val[at]);
        acc_a = fma(w, load_x(base, ca), acc_a);
        acc_b = fma(w, load_x(base, cb), acc_b);
      }
      workgroupBarrier();
    }
    if (live) {
      if (p.accumulate != 0u) {
        acc_a += load_out(o, ca);
        acc_b += load_out(o, cb);
      }
      store_out(o, ca, acc_a);
      store_out(o, cb, acc_b);
    }
  }
}
