// GEN's power-mean aggregation (DeeperGCN's 'power'), appended to aggregate.wgsl's header,
// accessors and kernels sections: out_i = clamp(mean_k clamp(m_k)^p)^(1/p), both clamps to
// [1e-7, 10] as in the official code; a row without in-edges outputs 0. The forward keeps one
// coefficient per (row, channel) in aux: dout_i/dm_k = coef_i · m_k^(p−1) (0 where the mean was
// clamped), so the backward needs neither the mean nor the in-degree.

const POW_MIN: f32 = 1e-7;
const POW_MAX: f32 = 10.0;

/** x^e for x > 0. */
fn pow_pos(x: vec4f, e: f32) -> vec4f {
  return exp(e * log(x));
}

fn clamp_m(m: vec4f) -> vec4f {
  return clamp(m, vec4f(POW_MIN), vec4f(POW_MAX));
}

/** The clamped mean of m^p over row i's entries, and the row's in-degree. */
struct PowRow {
  a: vec4f,
  b: vec4f,
  // Σ m^p ln m (only power_p_grad uses it)
  la: vec4f,
  lb: vec4f,
  count: u32,
}

fn pow_row(row: u32, ca: u32, cb: u32, pw: f32) -> PowRow {
  var r = PowRow(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0), 0u);
  let k0 = row_ptr[row];
  let k1 = row_ptr[row + 1u];
  for (var k = k0; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    let m_a = clamp_m(message(preact(xb, eb, ca)));
    let m_b = clamp_m(message(preact(xb, eb, cb)));
    let q_a = pow_pos(m_a, pw);
    let q_b = pow_pos(m_b, pw);
    r.a += q_a;
    r.b += q_b;
    r.la += q_a * log(m_a);
    r.lb += q_b * log(m_b);
  }
  r.count = k1 - k0;
  let n = f32(max(r.count, 1u));
  r.a /= n;
  r.b /= n;
  r.la /= n;
  r.lb /= n;
  return r;
}

fn in_range(s: vec4f) -> vec4<bool> {
  return (s >= vec4f(POW_MIN)) & (s <= vec4f(POW_MAX));
}

@compute @workgroup_size(64)
fn power_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let pw = param_w();
  let r = pow_row(it.row, ca, cb, pw);
  let o = p.out_off + it.row * p.out_stride;
  let q = p.aux_off + it.row * p.aux_stride;
  if (r.count == 0u) {
    store_out(o, ca, vec4f(0.0));
    store_out(o, cb, vec4f(0.0));
    store_aux(q, ca, vec4u(0u));
    store_aux(q, cb, vec4u(0u));
    return;
  }
  let o_a = pow_pos(clamp_m(r.a), 1.0 / pw);
  let o_b = pow_pos(clamp_m(r.b), 1.0 / pw);
  store_out(o, ca, o_a);
  store_out(o, cb, o_b);
  // d out / d m_k = mean^(1/p − 1) · m_k^(p − 1) / count = out / (mean · count) · m_k^(p − 1)
  let n = f32(r.count);
  store_aux(q, ca, bitcast<vec4u>(select(vec4f(0.0), o_a / (r.a * n), in_range(r.a))));
  store_aux(q, cb, bitcast<vec4u>(select(vec4f(0.0), o_b / (r.b * n), in_range(r.b))));
}

/** dL/dm_k through the power mean, for a message m (before clamping) and its row's coef·dout. */
fn pow_grad(m: vec4f, scaled: vec4f, pw: f32) -> vec4f {
  return select(vec4f(0.0), scaled * pow_pos(clamp_m(m), pw - 1.0), m <= vec4f(POW_MAX));
}

// With edge features: dL/de_k = dout_i · coef_i · m_k^(p−1) · relu'(x_j + e_k), every entry.
@compute @workgroup_size(64)
fn power_edge_grad(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let pw = param_r();
  let q = p.aux_off + it.row * p.aux_stride;
  let d = p.dout_off + it.row * p.dout_stride;
  let s_a = load_dout(d, ca) * bitcast<vec4f>(load_aux(q, ca));
  let s_b = load_dout(d, cb) * bitcast<vec4f>(load_aux(q, cb));
  let zero = vec4f(0.0);
  let k1 = row_ptr[it.row + 1u];
  for (var k = row_ptr[it.row]; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    let z_a = preact(xb, eb, ca);
    let z_b = preact(xb, eb, cb);
    let g = p.de_off + k * p.de_stride;
    store_grad(g, ca, select(zero, pow_grad(message(z_a), s_a, pw), z_a > zero));
    store_grad(g, cb, select(zero, pow_grad(message(z_b), s_b, pw), z_b > zero));
  }
}

// No edge features: m_j = relu(x_j) + eps is the same on all of j's out-edges, so
// dx_j = relu'(x_j) · m_j^(p−1) · Σ_i dout_i · coef_i over j's out-edges.
@compute @workgroup_size(64)
fn power_dx(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let pw = param_r();
  let zero = vec4f(0.0);
  var s_a = zero;
  var s_b = zero;
  let t1 = row_ptr[it.row + 1u];
  for (var t = row_ptr[it.row]; t < t1; t++) {
    let i = col_idx[t];
    let q = p.aux_off + i * p.aux_stride;
    let d = p.dout_off + i * p.dout_stride;
    s_a += load_dout(d, ca) * bitcast<vec4f>(load_aux(q, ca));
    s_b += load_dout(d, cb) * bitcast<vec4f>(load_aux(q, cb));
  }
  let xb = p.x_off + it.row * p.x_stride;
  let x_a = load_x(xb, ca);
  let x_b = load_x(xb, cb);
  var acc_a = select(zero, pow_grad(message(x_a), s_a, pw), x_a > zero);
  var acc_b = select(zero, pow_grad(message(x_b), s_b, pw), x_b > zero);
  let o = p.dx_off + it.row * p.dx_stride;
  if (p.accumulate != 0u) {
    acc_a += load_grad(o, ca);
    acc_b += load_grad(o, cb);
  }
  store_grad(o, ca, acc_a);
  store_grad(o, cb, acc_b);
}

/** ∂out/∂p of one row's four channels, out = clamp(S)^(1/p). */
fn pow_dp(s: vec4f, ls: vec4f, pw: f32) -> vec4f {
  let sc = clamp_m(s);
  let o = pow_pos(sc, 1.0 / pw);
  let through = ls / (s * pw);
  return o * (-log(sc) / (pw * pw) + select(vec4f(0.0), through, in_range(s)));
}

// dL/dp's share of row i, per channel: dout_i · ∂out_i/∂p, written to grad_w.
@compute @workgroup_size(64)
fn power_p_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let pw = param_r();
  let r = pow_row(it.row, ca, cb, pw);
  let d = p.dout_off + it.row * p.dout_stride;
  let g = p.de_off + it.row * p.de_stride;
  let live = r.count > 0u;
  store_grad(g, ca, select(vec4f(0.0), load_dout(d, ca) * pow_dp(r.a, r.la, pw), live));
  store_grad(g, cb, select(vec4f(0.0), load_dout(d, cb) * pow_dp(r.b, r.lb, pw), live));
}
