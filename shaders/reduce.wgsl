// Deterministic two-pass reductions. Pass 1 (partial): workgroup w of G folds a fixed strided
// set of the view's elements per invocation, then a fixed tree, into part[part_off + w]. Pass 2
// (finish): one workgroup folds part[0..n) the same way and writes scale·total (or its sqrt).
// Same inputs, same bits, every run: no atomics, no order that depends on scheduling.
// Operands a, b (read), part, out via the accessors of src/kernels/operands.ts.
//
// Sections: `header` (parameters, what each invocation folds, what pass 2 writes) is shared with
// the subgroup variant in reduce-subgroup.wgsl; `tree` combines a workgroup's values here.

//! header
struct Params {
  rows: u32,
  cols: u32,
  a_off: u32,
  a_stride: u32,
  b_off: u32,
  b_stride: u32,
  // pass 1: first slot of this tensor's partials; pass 2: number of partials
  part_off: u32,
  n_parts: u32,
  out_off: u32,
  scale: f32,
  take_sqrt: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 256u;

const MODE_SUM: u32 = 0u;
const MODE_DOT: u32 = 1u;
const MODE_SUMSQ: u32 = 2u;
override MODE: u32 = 0u;

fn term(i: u32, contiguous: bool) -> f32 {
  var ia = p.a_off + i;
  var ib = p.b_off + i;
  if (!contiguous) {
    let r = i / p.cols;
    let c = i - r * p.cols;
    ia = p.a_off + r * p.a_stride + c;
    ib = p.b_off + r * p.b_stride + c;
  }
  let a = ld_a(ia);
  switch MODE {
    case MODE_DOT: { return a * ld_b(ib); }
    case MODE_SUMSQ: { return a * a; }
    default: { return a; }
  }
}

// This invocation's share of pass 1 for workgroup `group` of `groups`: a fixed strided set of the
// view's elements. Row-major views whose rows abut skip the per-element division.
fn pass1_share(group: u32, groups: u32, lid: u32) -> f32 {
  let n = p.rows * p.cols;
  let contiguous = p.rows <= 1u || (p.a_stride == p.cols && (MODE != MODE_DOT || p.b_stride == p.cols));
  let stride = groups * WG;
  var acc = 0.0;
  for (var i = group * WG + lid; i < n; i += stride) { acc += term(i, contiguous); }
  return acc;
}

// This invocation's share of pass 2: every WG-th partial.
fn pass2_share(lid: u32) -> f32 {
  var acc = 0.0;
  for (var i = lid; i < p.n_parts; i += WG) { acc += ld_part(i); }
  return acc;
}

// What pass 2 writes for the total of the partials.
fn finished(total: f32) -> f32 {
  var v = total * p.scale;
  if (p.take_sqrt != 0u) { v = sqrt(v); }
  return v;
}

//! tree
var<workgroup> sh: array<f32, WG>;

// Tree over the workgroup's values in sh; the caller's lid 0 then holds the total in sh[0].
fn tree(lid: u32) {
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { sh[lid] += sh[lid + s]; }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn partial(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wg: vec3u,
           @builtin(num_workgroups) nwg: vec3u) {
  let lid = lid3.x;
  sh[lid] = pass1_share(wg.x, nwg.x, lid);
  tree(lid);
  if (lid == 0u) { st_part(p.part_off + wg.x, sh[0]); }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  sh[lid] = pass2_share(lid);
  tree(lid);
  if (lid == 0u) { st_out(p.out_off, finished(sh[0])); }
}
