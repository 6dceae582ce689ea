// LayerNorm over each row of a strided view, forward and backward. Nothing is kept between
// them: the backward recomputes each row's mean and rstd from x, so a reversible block can
// rebuild its input and differentiate without stored statistics.
// Operands (accessors prepended by src/kernels/operands.ts): x, gamma, beta, dy (read);
// out (forward y or backward dx), stats (per-row statistics within one backward call),
// part (the split reduction's partials), dgamma, dbeta.
// One invocation per row for the row passes: rows are short (a group's channels), and a
// busy invocation beats a workgroup-per-row whose threads mostly idle at widths like 40.
//
// Sections: `header` and `columns` (the backward's column passes) are shared with the subgroup
// variant in norm-subgroup.wgsl, which replaces `rows` (a subgroup per row).

//! header
struct Params {
  rows: u32,
  cols: u32,
  x_off: u32,
  x_stride: u32,
  g_off: u32,
  b_off: u32,
  dy_off: u32,
  dy_stride: u32,
  out_off: u32,
  out_stride: u32,
  eps: f32,
  accumulate: u32,
  // rows of x each split of the dgamma/dbeta reduction covers, and how many splits there are
  chunk: u32,
  splits: u32,
  dg_off: u32,
  db_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;

fn linear(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

//! rows
// Mean, then the variance about it (two passes: no cancellation for rows far from zero).
fn row_stats(base: u32) -> vec2f {
  let n = f32(p.cols);
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { s += ld_x(base + c); }
  let mean = s / n;
  var v = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let d = ld_x(base + c) - mean;
    v += d * d;
  }
  return vec2f(mean, 1.0 / sqrt(v / n + p.eps));
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = linear(gid, nwg);
  if (r >= p.rows) { return; }
  let xb = p.x_off + r * p.x_stride;
  let ob = p.out_off + r * p.out_stride;
  let st = row_stats(xb);
  for (var c = 0u; c < p.cols; c++) {
    let xh = (ld_x(xb + c) - st.x) * st.y;
    st_out(ob + c, xh * ld_gamma(p.g_off + c) + ld_beta(p.b_off + c));
  }
}

// Backward pass 1, one invocation per row: mean, rstd, mean(g) and mean(g·x̂) with g = dy·γ,
// into stats (rows × 4) for the column pass of the same call.
@compute @workgroup_size(WG)
fn backward_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = linear(gid, nwg);
  if (r >= p.rows) { return; }
  let xb = p.x_off + r * p.x_stride;
  let db = p.dy_off + r * p.dy_stride;
  let st = row_stats(xb);
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let g = ld_dy(db + c) * ld_gamma(p.g_off + c);
    sg += g;
    sgx += g * (ld_x(xb + c) - st.x) * st.y;
  }
  let n = f32(p.cols);
  st_stats(4u * r, st.x);
  st_stats(4u * r + 1u, st.y);
  st_stats(4u * r + 2u, sg / n);
  st_stats(4u * r + 3u, sgx / n);
}

//! columns
// Backward pass 2, invocation (split k, column c) over the split's rows:
//   dx = rstd·(g − mean(g) − x̂·mean(g·x̂))   (+ dx when accumulating)
// and the split's partial sums of dy·x̂ (dgamma) and dy (dbeta) into part (splits × 2·cols:
// [k][c] and [k][cols + c]). Each element of dy and x is read before dx at the same place is
// written, by the same invocation, so dx may be dy or x itself.
@compute @workgroup_size(WG)
fn backward_cols(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear(gid, nwg);
  if (i >= p.splits * p.cols) { return; }
  let k = i / p.cols;
  let c = i - k * p.cols;
  let r0 = k * p.chunk;
  let r1 = min(r0 + p.chunk, p.rows);
  let gamma = ld_gamma(p.g_off + c);
  var sg = 0.0;
  var sb = 0.0;
  for (var r = r0; r < r1; r++) {
    let d = ld_dy(p.dy_off + r * p.dy_stride + c);
    let xh = (ld_x(p.x_off + r * p.x_stride + c) - ld_stats(4u * r)) * ld_stats(4u * r + 1u);
    sg += d * xh;
    sb += d;
    let o = p.out_off + r * p.out_stride + c;
    var v = ld_stats(4u * r + 1u) * (d * gamma - ld_stats(4u * r + 2u) - xh * ld_stats(4u * r + 3u));
    if (p.accumulate != 0u) { v += ld_out(o); }
    st_out(o, v);
  }
  st_part(k * 2u * p.cols + c, sg);
  st_part(k * 2u * p.cols + p.cols + c, sb);
}

// Pass 3: each column adds its splits in split order (deterministic) onto dgamma and dbeta.
@compute @workgroup_size(WG)
fn backward_finish(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = linear(gid, nwg);
  if (c >= p.cols) { return; }
  var sg = 0.0;
  var sb = 0.0;
  for (var k = 0u; k < p.splits; k++) {
    sg += ld_part(k * 2u * p.cols + c);
    sb += ld_part(k * 2u * p.cols + p.cols + c);
  }
  st_dgamma(p.dg_off + c, ld_dgamma(p.dg_off + c) + sg);
  st_dbeta(p.db_off + c, ld_dbeta(p.db_off + c) + sb);
}
