// Deterministic two-pass reductions. Pass 1 (partial): workgroup w of G folds a fixed strided
// set of the view's elements per invocation, then a fixed tree, into part[part_off + w]. Pass 2
// (finish): one workgroup folds part[0..n) the same way and writes scale·total (or its sqrt).
// Same inputs, same bits, every run: no atomics, no order that depends on scheduling.
// Operands a, b (read), part, out via the accessors of src/kernels/operands.ts.

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

var<workgroup> sh: array<f32, WG>;

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
  let n = p.rows * p.cols;
  // Row-major views whose rows abut skip the per-element division.
  let contiguous = p.rows <= 1u || (p.a_stride == p.cols && (MODE != MODE_DOT || p.b_stride == p.cols));
  let stride = nwg.x * WG;
  var acc = 0.0;
  for (var i = wg.x * WG + lid; i < n; i += stride) { acc += term(i, contiguous); }
  sh[lid] = acc;
  tree(lid);
  if (lid == 0u) { st_part(p.part_off + wg.x, sh[0]); }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  var acc = 0.0;
  for (var i = lid; i < p.n_parts; i += WG) { acc += ld_part(i); }
  sh[lid] = acc;
  tree(lid);
  if (lid == 0u) {
    var v = sh[0] * p.scale;
    if (p.take_sqrt != 0u) { v = sqrt(v); }
    st_out(p.out_off, v);
  }
}
