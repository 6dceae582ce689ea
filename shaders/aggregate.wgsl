// GEN aggregation (DeeperGCN): for an in-edge j → i at CSR entry k the message is
// m = relu(x_j + e_k) + eps, computed where it is used and never stored (no E×D tensor).
// Aggregations: max, softmax with temperature β, and (aggregate-power.wgsl, appended) the power
// mean with exponent p. β or p comes from the uniform block, or — when it is a learned parameter
// that lives on the GPU — from one spare element of the aux buffer (`param_at`), so reading it
// costs no extra binding.
//
// Every kernel gives one invocation one CSR row and eight consecutive channels (two vec4 lanes, a
// and b), so each entry's indices are loaded once for eight channels and no output is shared
// between invocations: no atomics, and results do not depend on scheduling.
//
// Forward kernels walk A's rows (destinations). Backward:
// - with edge features, *_edge_grad walks A's rows and writes dL/de_k for every entry (each entry
//   has one destination, so that is a plain store); dL/dx_j is the same per-entry value summed over
//   j's out-edges, which gather_dx reads through the transposed CSR's perm;
// - without them, *_dx walks the transposed CSR (sources) and recomputes per-entry terms inline.
// Entry points bind different variables at the same binding numbers (WGSL allows it when no entry
// point uses both); each one's bindings are 1..n in the order its TypeScript wrapper passes them.
//
// The wrapper assembles two modules from the sections below: header + scalar + kernels for any
// views (lanes past the last channel load the last channel and are never stored), and
// header + vec4 + kernels when every view's offset, row stride and channel count is a multiple of
// 4 (one array<vec4f> load per lane). Offsets and strides stay in elements throughout.

//! header
override HAS_EDGE: bool = true;

const NO_ARGMAX: u32 = 0xffffffffu;
const PARAM_IN_UNIFORM: u32 = 0xffffffffu;
const LOWEST: f32 = -3.4028234e38;

struct Params {
  // rows walked: destinations (A) or sources (transposed A)
  rows: u32,
  // channels
  cols: u32,
  // ceil(cols / 8)
  chunks: u32,
  accumulate: u32,
  eps: f32,
  // softmax temperature β or power-mean exponent p, when param_at is PARAM_IN_UNIFORM
  param: f32,
  // element index of the learned β or p in the aux buffer (f32 bits)
  param_at: u32,
  x_off: u32,
  x_stride: u32,
  e_off: u32,
  e_stride: u32,
  out_off: u32,
  out_stride: u32,
  // argmax (u32) or log-sum-exp (f32 bits), per destination
  aux_off: u32,
  aux_stride: u32,
  dout_off: u32,
  dout_stride: u32,
  dx_off: u32,
  dx_stride: u32,
  de_off: u32,
  de_stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> col_idx: array<u32>;
@group(0) @binding(2) var<storage, read> g_perm: array<u32>;
@group(0) @binding(4) var<storage, read> perm: array<u32>;

//! scalar
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> g_src: array<f32>;
@group(0) @binding(4) var<storage, read> edge: array<f32>;
@group(0) @binding(4) var<storage, read_write> g_dst: array<f32>;
@group(0) @binding(5) var<storage, read_write> out_w: array<f32>;
@group(0) @binding(5) var<storage, read> aux_r: array<u32>;
@group(0) @binding(6) var<storage, read_write> aux_w: array<u32>;
@group(0) @binding(6) var<storage, read> dout: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad_w: array<f32>;
@group(0) @binding(8) var<storage, read> out_r: array<f32>;

fn lanes(base: u32, c: u32) -> vec4u {
  return vec4u(base) + min(vec4u(c) + vec4u(0u, 1u, 2u, 3u), vec4u(p.cols - 1u));
}
fn load_x(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(x[i.x], x[i.y], x[i.z], x[i.w]);
}
fn load_edge(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(edge[i.x], edge[i.y], edge[i.z], edge[i.w]);
}
fn load_aux(base: u32, c: u32) -> vec4u {
  let i = lanes(base, c);
  return vec4u(aux_r[i.x], aux_r[i.y], aux_r[i.z], aux_r[i.w]);
}
fn load_dout(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(dout[i.x], dout[i.y], dout[i.z], dout[i.w]);
}
fn load_out(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(out_r[i.x], out_r[i.y], out_r[i.z], out_r[i.w]);
}
fn load_grad(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(grad_w[i.x], grad_w[i.y], grad_w[i.z], grad_w[i.w]);
}
fn load_src(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(g_src[i.x], g_src[i.y], g_src[i.z], g_src[i.w]);
}
fn load_dst(base: u32, c: u32) -> vec4f {
  let i = lanes(base, c);
  return vec4f(g_dst[i.x], g_dst[i.y], g_dst[i.z], g_dst[i.w]);
}
fn aux_param_r(i: u32) -> f32 { return bitcast<f32>(aux_r[i]); }
fn aux_param_w(i: u32) -> f32 { return bitcast<f32>(aux_w[i]); }
fn store_out(base: u32, c: u32, v: vec4f) {
  if (c < p.cols) { out_w[base + c] = v.x; }
  if (c + 1u < p.cols) { out_w[base + c + 1u] = v.y; }
  if (c + 2u < p.cols) { out_w[base + c + 2u] = v.z; }
  if (c + 3u < p.cols) { out_w[base + c + 3u] = v.w; }
}
fn store_aux(base: u32, c: u32, v: vec4u) {
  if (c < p.cols) { aux_w[base + c] = v.x; }
  if (c + 1u < p.cols) { aux_w[base + c + 1u] = v.y; }
  if (c + 2u < p.cols) { aux_w[base + c + 2u] = v.z; }
  if (c + 3u < p.cols) { aux_w[base + c + 3u] = v.w; }
}
fn store_grad(base: u32, c: u32, v: vec4f) {
  if (c < p.cols) { grad_w[base + c] = v.x; }
  if (c + 1u < p.cols) { grad_w[base + c + 1u] = v.y; }
  if (c + 2u < p.cols) { grad_w[base + c + 2u] = v.z; }
  if (c + 3u < p.cols) { grad_w[base + c + 3u] = v.w; }
}
fn store_dst(base: u32, c: u32, v: vec4f) {
  if (c < p.cols) { g_dst[base + c] = v.x; }
  if (c + 1u < p.cols) { g_dst[base + c + 1u] = v.y; }
  if (c + 2u < p.cols) { g_dst[base + c + 2u] = v.z; }
  if (c + 3u < p.cols) { g_dst[base + c + 3u] = v.w; }
}

//! vec4
@group(0) @binding(3) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read> g_src: array<vec4f>;
@group(0) @binding(4) var<storage, read> edge: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> g_dst: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> out_w: array<vec4f>;
@group(0) @binding(5) var<storage, read> aux_r: array<vec4u>;
@group(0) @binding(6) var<storage, read_write> aux_w: array<vec4u>;
@group(0) @binding(6) var<storage, read> dout: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> grad_w: array<vec4f>;
@group(0) @binding(8) var<storage, read> out_r: array<vec4f>;

// Lane b of the last chunk may lie past the last channel: load a valid vec4, never store it.
fn at(base: u32, c: u32) -> u32 {
  return (base + min(c, p.cols - 4u)) >> 2u;
}
fn load_x(base: u32, c: u32) -> vec4f { return x[at(base, c)]; }
fn load_edge(base: u32, c: u32) -> vec4f { return edge[at(base, c)]; }
fn load_aux(base: u32, c: u32) -> vec4u { return aux_r[at(base, c)]; }
fn load_dout(base: u32, c: u32) -> vec4f { return dout[at(base, c)]; }
fn load_out(base: u32, c: u32) -> vec4f { return out_r[at(base, c)]; }
fn load_grad(base: u32, c: u32) -> vec4f { return grad_w[at(base, c)]; }
fn load_src(base: u32, c: u32) -> vec4f { return g_src[at(base, c)]; }
fn load_dst(base: u32, c: u32) -> vec4f { return g_dst[at(base, c)]; }
fn aux_param_r(i: u32) -> f32 { return bitcast<f32>(aux_r[i >> 2u][i & 3u]); }
fn aux_param_w(i: u32) -> f32 { return bitcast<f32>(aux_w[i >> 2u][i & 3u]); }
fn store_out(base: u32, c: u32, v: vec4f) { if (c < p.cols) { out_w[(base + c) >> 2u] = v; } }
fn store_aux(base: u32, c: u32, v: vec4u) { if (c < p.cols) { aux_w[(base + c) >> 2u] = v; } }
fn store_grad(base: u32, c: u32, v: vec4f) { if (c < p.cols) { grad_w[(base + c) >> 2u] = v; } }
fn store_dst(base: u32, c: u32, v: vec4f) { if (c < p.cols) { g_dst[(base + c) >> 2u] = v; } }

//! kernels
struct Item {
  row: u32,
  // first channel of lane a; lane b starts 4 channels later
  c: u32,
  valid: bool,
}

fn item(gid: vec3u, nwg: vec3u) -> Item {
  let t = gid.x + gid.y * nwg.x * 64u;
  let chunks = max(p.chunks, 1u);
  return Item(t / chunks, (t % chunks) * 8u, t < p.rows * p.chunks);
}

/** x_j + e_k, lane at channel c; xb and eb are the row starts of x_j and e_k. */
fn preact(xb: u32, eb: u32, c: u32) -> vec4f {
  var z = load_x(xb, c);
  if (HAS_EDGE) { z += load_edge(eb, c); }
  return z;
}

fn message(z: vec4f) -> vec4f {
  return max(z, vec4f(0.0)) + vec4f(p.eps);
}

/** β or p, for kernels that bind aux read-only (backward) or writable (forward). */
fn param_r() -> f32 {
  if (p.param_at == PARAM_IN_UNIFORM) { return p.param; }
  return aux_param_r(p.param_at);
}
fn param_w() -> f32 {
  if (p.param_at == PARAM_IN_UNIFORM) { return p.param; }
  return aux_param_w(p.param_at);
}

struct Best {
  m: vec4f,
  k: vec4u,
}

// Strictly greater: the first entry keeps a tie, as the backward pass assumes.
fn best_push(b: Best, m: vec4f, k: u32) -> Best {
  let up = m > b.m;
  return Best(select(b.m, m, up), select(b.k, vec4u(k), up));
}

// Running max mx of beta·m with s = Σ exp(beta·m − mx) and w = Σ exp(beta·m − mx)·m: one exp
// per entry, rescaling the sums only when the maximum moves.
struct Soft {
  mx: vec4f,
  s: vec4f,
  w: vec4f,
}

fn soft_push(a: Soft, m: vec4f, beta: f32) -> Soft {
  let v = beta * m;
  let up = v > a.mx;
  let d = exp(-abs(v - a.mx));
  return Soft(
    max(a.mx, v),
    select(a.s + d, fma(a.s, d, vec4f(1.0)), up),
    select(fma(d, m, a.w), fma(a.w, d, m), up),
  );
}

/** dL/dm_k of softmax aggregation: dout_i · p_k · (1 + beta·(m_k − out_i)). */
fn soft_grad(m: vec4f, lse: vec4f, o: vec4f, go: vec4f, beta: f32) -> vec4f {
  return go * exp(beta * m - lse) * (1.0 + beta * (m - o));
}

@compute @workgroup_size(64)
fn max_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  var a = Best(vec4f(LOWEST), vec4u(NO_ARGMAX));
  var b = a;
  let k1 = row_ptr[it.row + 1u];
  for (var k = row_ptr[it.row]; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    a = best_push(a, message(preact(xb, eb, ca)), k);
    b = best_push(b, message(preact(xb, eb, cb)), k);
  }
  // A row without in-edges keeps NO_ARGMAX and outputs 0.
  let none = a.k == vec4u(NO_ARGMAX);
  let o = p.out_off + it.row * p.out_stride;
  store_out(o, ca, select(a.m, vec4f(0.0), none));
  store_out(o, cb, select(b.m, vec4f(0.0), none));
  let q = p.aux_off + it.row * p.aux_stride;
  store_aux(q, ca, a.k);
  store_aux(q, cb, b.k);
}

@compute @workgroup_size(64)
fn softmax_forward(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let beta = param_w();
  // The first push finds mx below beta·m, so s becomes 1 and w becomes m.
  var a = Soft(vec4f(LOWEST), vec4f(0.0), vec4f(0.0));
  var b = a;
  let k0 = row_ptr[it.row];
  let k1 = row_ptr[it.row + 1u];
  for (var k = k0; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    a = soft_push(a, message(preact(xb, eb, ca)), beta);
    b = soft_push(b, message(preact(xb, eb, cb)), beta);
  }
  let o = p.out_off + it.row * p.out_stride;
  let q = p.aux_off + it.row * p.aux_stride;
  if (k0 == k1) {
    // No in-edges: out = 0 and lse = 0 (never read; it keeps the tensor finite).
    store_out(o, ca, vec4f(0.0));
    store_out(o, cb, vec4f(0.0));
    store_aux(q, ca, vec4u(0u));
    store_aux(q, cb, vec4u(0u));
    return;
  }
  store_out(o, ca, a.w / a.s);
  store_out(o, cb, b.w / b.s);
  store_aux(q, ca, bitcast<vec4u>(a.mx + log(a.s)));
  store_aux(q, cb, bitcast<vec4u>(b.mx + log(b.s)));
}

// dL/de_k = dout_i where k is row i's argmax and x_j + e_k > 0, else 0; every entry is written.
@compute @workgroup_size(64)
fn max_edge_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let q = p.aux_off + it.row * p.aux_stride;
  let arg_a = load_aux(q, ca);
  let arg_b = load_aux(q, cb);
  let d = p.dout_off + it.row * p.dout_stride;
  let go_a = load_dout(d, ca);
  let go_b = load_dout(d, cb);
  let zero = vec4f(0.0);
  let k1 = row_ptr[it.row + 1u];
  for (var k = row_ptr[it.row]; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    let live_a = (arg_a == vec4u(k)) & (preact(xb, eb, ca) > zero);
    let live_b = (arg_b == vec4u(k)) & (preact(xb, eb, cb) > zero);
    let g = p.de_off + k * p.de_stride;
    store_grad(g, ca, select(zero, go_a, live_a));
    store_grad(g, cb, select(zero, go_b, live_b));
  }
}

// dL/de_k = dL/dm_k · relu'(x_j + e_k).
@compute @workgroup_size(64)
fn softmax_edge_grad(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let q = p.aux_off + it.row * p.aux_stride;
  let lse_a = bitcast<vec4f>(load_aux(q, ca));
  let lse_b = bitcast<vec4f>(load_aux(q, cb));
  let d = p.dout_off + it.row * p.dout_stride;
  let go_a = load_dout(d, ca);
  let go_b = load_dout(d, cb);
  let o = p.out_off + it.row * p.out_stride;
  let o_a = load_out(o, ca);
  let o_b = load_out(o, cb);
  let beta = param_r();
  let zero = vec4f(0.0);
  let k1 = row_ptr[it.row + 1u];
  for (var k = row_ptr[it.row]; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    let z_a = preact(xb, eb, ca);
    let z_b = preact(xb, eb, cb);
    let g_a = soft_grad(message(z_a), lse_a, o_a, go_a, beta);
    let g_b = soft_grad(message(z_b), lse_b, o_b, go_b, beta);
    let g = p.de_off + k * p.de_stride;
    store_grad(g, ca, select(zero, g_a, z_a > zero));
    store_grad(g, cb, select(zero, g_b, z_b > zero));
  }
}

// dL/dx_j = Σ over j's out-edges (transposed row j, original entry perm[t]) of dL/de at that entry.
@compute @workgroup_size(64)
fn gather_dx(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  var acc_a = vec4f(0.0);
  var acc_b = vec4f(0.0);
  let t1 = row_ptr[it.row + 1u];
  for (var t = row_ptr[it.row]; t < t1; t++) {
    let g = p.de_off + g_perm[t] * p.de_stride;
    acc_a += load_src(g, ca);
    acc_b += load_src(g, cb);
  }
  let o = p.dx_off + it.row * p.dx_stride;
  if (p.accumulate != 0u) {
    acc_a += load_dst(o, ca);
    acc_b += load_dst(o, cb);
  }
  store_dst(o, ca, acc_a);
  store_dst(o, cb, acc_b);
}

// No edge features: walk source j's out-edges (destination i = col_idx[t], entry perm[t]); the
// gradient reaches x_j where j's entry is i's argmax, and only if x_j > 0.
@compute @workgroup_size(64)
fn max_dx(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let zero = vec4f(0.0);
  var acc_a = zero;
  var acc_b = zero;
  let t1 = row_ptr[it.row + 1u];
  for (var t = row_ptr[it.row]; t < t1; t++) {
    let i = col_idx[t];
    let k = vec4u(perm[t]);
    let q = p.aux_off + i * p.aux_stride;
    let d = p.dout_off + i * p.dout_stride;
    acc_a += select(zero, load_dout(d, ca), load_aux(q, ca) == k);
    acc_b += select(zero, load_dout(d, cb), load_aux(q, cb) == k);
  }
  let xb = p.x_off + it.row * p.x_stride;
  acc_a = select(zero, acc_a, load_x(xb, ca) > zero);
  acc_b = select(zero, acc_b, load_x(xb, cb) > zero);
  let o = p.dx_off + it.row * p.dx_stride;
  if (p.accumulate != 0u) {
    acc_a += load_grad(o, ca);
    acc_b += load_grad(o, cb);
  }
  store_grad(o, ca, acc_a);
  store_grad(o, cb, acc_b);
}

// No edge features: m_j = relu(x_j) + eps is the same on all of j's out-edges.
@compute @workgroup_size(64)
fn softmax_dx(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let zero = vec4f(0.0);
  let xb = p.x_off + it.row * p.x_stride;
  let x_a = load_x(xb, ca);
  let x_b = load_x(xb, cb);
  let m_a = message(x_a);
  let m_b = message(x_b);
  let beta = param_r();
  var acc_a = zero;
  var acc_b = zero;
  let t1 = row_ptr[it.row + 1u];
  for (var t = row_ptr[it.row]; t < t1; t++) {
    let i = col_idx[t];
    let q = p.aux_off + i * p.aux_stride;
    let d = p.dout_off + i * p.dout_stride;
    let o = p.out_off + i * p.out_stride;
    let lse_a = bitcast<vec4f>(load_aux(q, ca));
    let lse_b = bitcast<vec4f>(load_aux(q, cb));
    acc_a += soft_grad(m_a, lse_a, load_out(o, ca), load_dout(d, ca), beta);
    acc_b += soft_grad(m_b, lse_b, load_out(o, cb), load_dout(d, cb), beta);
  }
  acc_a = select(zero, acc_a, x_a > zero);
  acc_b = select(zero, acc_b, x_b > zero);
  let o = p.dx_off + it.row * p.dx_stride;
  if (p.accumulate != 0u) {
    acc_a += load_grad(o, ca);
    acc_b += load_grad(o, cb);
  }
  store_grad(o, ca, acc_a);
  store_grad(o, cb, acc_b);
}

// dL/dβ's share of row i, per channel: dout_i · ∂out_i/∂β = dout_i · Σ_k p_k (m_k − out_i)²
// (the variance of m under the softmax, in its cancellation-free form), written to grad_w.
@compute @workgroup_size(64)
fn softmax_beta_grad(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let it = item(gid, nwg);
  if (!it.valid) { return; }
  let ca = it.c;
  let cb = it.c + 4u;
  let beta = param_r();
  let q = p.aux_off + it.row * p.aux_stride;
  let lse_a = bitcast<vec4f>(load_aux(q, ca));
  let lse_b = bitcast<vec4f>(load_aux(q, cb));
  let o = p.out_off + it.row * p.out_stride;
  let o_a = load_out(o, ca);
  let o_b = load_out(o, cb);
  var acc_a = vec4f(0.0);
  var acc_b = vec4f(0.0);
  let k1 = row_ptr[it.row + 1u];
  for (var k = row_ptr[it.row]; k < k1; k++) {
    let xb = p.x_off + col_idx[k] * p.x_stride;
    let eb = p.e_off + k * p.e_stride;
    let m_a = message(preact(xb, eb, ca));
    let m_b = message(preact(xb, eb, cb));
    acc_a += exp(beta * m_a - lse_a) * (m_a - o_a) * (m_a - o_a);
    acc_b += exp(beta * m_b - lse_b) * (m_b - o_b) * (m_b - o_b);
  }
  let d = p.dout_off + it.row * p.dout_stride;
  let g = p.de_off + it.row * p.de_stride;
  store_grad(g, ca, load_dout(d, ca) * acc_a);
  store_grad(g, cb, load_dout(d, cb) * acc_b);
}
