// Optimizer kernels: the gradient-clipping factor (one invocation, from the global norm² that
// reduce.wgsl left on the GPU) and Adam with torch.optim.Adam semantics on strided views.
// Operands via the accessors of src/kernels/operands.ts: sumsq, grad, scale read; param, m, v,
// out written.

struct Params {
  // clip_scale: offsets of sumsq and out, and the max norm (≤ 0 disables clipping)
  sumsq_off: u32,
  out_off: u32,
  max_norm: f32,
  // adam
  rows: u32,
  cols: u32,
  p_off: u32,
  p_stride: u32,
  g_off: u32,
  g_stride: u32,
  m_off: u32,
  m_stride: u32,
  v_off: u32,
  v_stride: u32,
  scale_off: u32,
  beta1: f32,
  beta2: f32,
  // lr / (1 − β1^t) and 1 / sqrt(1 − β2^t), formed in float64 on the CPU
  step_size: f32,
  inv_sqrt_bc2: f32,
  eps: f32,
  weight_decay: f32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;
const EPT: u32 = 4u;

@compute @workgroup_size(1)
fn clip_scale() {
  var s = 1.0;
  if (p.max_norm > 0.0) {
    s = min(1.0, p.max_norm / (sqrt(ld_sumsq(p.sumsq_off)) + 1e-6));
  }
  st_out(p.out_off, s);
}

// g = grad·scale + wd·param; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
// param −= step_size · m / (sqrt(v)·inv_sqrt_bc2 + eps)   (torch's bias-corrected form)
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let chunks = (p.cols + EPT - 1u) / EPT;
  if (i >= p.rows * chunks) { return; }
  let r = i / chunks;
  let c0 = (i - r * chunks) * EPT;
  let c1 = min(c0 + EPT, p.cols);
  let clip = ld_scale(p.scale_off);
  for (var c = c0; c < c1; c++) {
    let pi = p.p_off + r * p.p_stride + c;
    let mi = p.m_off + r * p.m_stride + c;
    let vi = p.v_off + r * p.v_stride + c;
    let w = ld_param(pi);
    let g = ld_grad(p.g_off + r * p.g_stride + c) * clip + p.weight_decay * w;
    let m = p.beta1 * ld_m(mi) + (1.0 - p.beta1) * g;
    let v = p.beta2 * ld_v(vi) + (1.0 - p.beta2) * g * g;
    st_m(mi, m);
    st_v(vi, v);
    st_param(pi, w - p.step_size * m / (sqrt(v) * p.inv_sqrt_bc2 + p.eps));
  }
}
