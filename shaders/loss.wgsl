// Losses over the rows of one split: per-row terms and gradients, and per-workgroup partial sums
// of the loss (a fixed tree) that reduce.wgsl's finish pass folds into the mean.
// Operands logits, labels (i32), targets, mask (u32) read; grad, part written; accessors from
// src/kernels/operands.ts. One invocation per row: a row is one node's classes or tasks.

struct Params {
  rows: u32,
  cols: u32,
  z_off: u32,
  z_stride: u32,
  lab_off: u32,
  lab_stride: u32,
  tgt_off: u32,
  tgt_stride: u32,
  mask_off: u32,
  mask_stride: u32,
  g_off: u32,
  g_stride: u32,
  select_code: u32,
  // 1/count for cross-entropy, 1/(count·tasks) for BCE; 0 when nothing is selected
  inv_count: f32,
  // workgroups holding rows; a folded grid may launch a few more, which must not write
  groups: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;

var<workgroup> sh: array<f32, WG>;

fn selected(r: u32) -> bool {
  return ld_mask(p.mask_off + r * p.mask_stride) == p.select_code;
}

fn zero_grad_row(gb: u32) {
  for (var c = 0u; c < p.cols; c++) { st_grad(gb + c, 0.0); }
}

// log(1 + t) for t in [0, 1]: log() alone loses t below ~1e-7, where the series is exact.
fn log1p_small(t: f32) -> f32 {
  if (t < 1e-4) { return t * (1.0 - 0.5 * t); }
  return log(1.0 + t);
}

fn sigmoid(z: f32) -> f32 {
  if (z >= 0.0) { return 1.0 / (1.0 + exp(-z)); }
  let e = exp(z);
  return e / (1.0 + e);
}

// Every invocation reaches the barriers (out-of-range rows add 0): the tree needs all of them.
fn write_partial(lid: u32, wgi: u32, v: f32) {
  sh[lid] = v;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { sh[lid] += sh[lid + s]; }
  }
  if (lid == 0u && wgi < p.groups) { st_part(wgi, sh[0]); }
}

// −log softmax(z)[label], max-subtracted; grad = (softmax − onehot)/count.
@compute @workgroup_size(WG)
fn softmax_xent(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wg: vec3u,
                @builtin(num_workgroups) nwg: vec3u) {
  let wgi = wg.x + wg.y * nwg.x;
  let r = wgi * WG + lid3.x;
  var loss = 0.0;
  if (r < p.rows) {
    let zb = p.z_off + r * p.z_stride;
    let gb = p.g_off + r * p.g_stride;
    let label = ld_labels(p.lab_off + r * p.lab_stride);
    if (selected(r) && label >= 0 && u32(label) < p.cols) {
      let y = u32(label);
      var m = ld_logits(zb);
      for (var c = 1u; c < p.cols; c++) { m = max(m, ld_logits(zb + c)); }
      var s = 0.0;
      for (var c = 0u; c < p.cols; c++) { s += exp(ld_logits(zb + c) - m); }
      loss = log(s) + m - ld_logits(zb + y);
      for (var c = 0u; c < p.cols; c++) {
        let sm = exp(ld_logits(zb + c) - m) / s;
        st_grad(gb + c, (sm - select(0.0, 1.0, c == y)) * p.inv_count);
      }
    } else {
      zero_grad_row(gb);
    }
  }
  write_partial(lid3.x, wgi, loss);
}

// Σ_tasks max(z, 0) − z·y + log(1 + e^−|z|) (stable for any z); grad = (σ(z) − y)/(count·T).
@compute @workgroup_size(WG)
fn bce(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wg: vec3u,
       @builtin(num_workgroups) nwg: vec3u) {
  let wgi = wg.x + wg.y * nwg.x;
  let r = wgi * WG + lid3.x;
  var loss = 0.0;
  if (r < p.rows) {
    let zb = p.z_off + r * p.z_stride;
    let tb = p.tgt_off + r * p.tgt_stride;
    let gb = p.g_off + r * p.g_stride;
    if (selected(r)) {
      for (var c = 0u; c < p.cols; c++) {
        let z = ld_logits(zb + c);
        let y = ld_targets(tb + c);
        loss += max(z, 0.0) - z * y + log1p_small(exp(-abs(z)));
        st_grad(gb + c, (sigmoid(z) - y) * p.inv_count);
      }
    } else {
      zero_grad_row(gb);
    }
  }
  write_partial(lid3.x, wgi, loss);
}
