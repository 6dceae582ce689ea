// Element-wise maps on strided 2-D views, and the column-block sum of the reversible coupling.
// Operands x0, x1 (read) and out (read/write) are reached through ld_*/st_* accessors that
// src/kernels/operands.ts prepends, so out may share a buffer with either input.
// Each invocation handles EPT consecutive columns of one row: fewer, busier invocations
// (DESIGN §4), with scalar loads so any offset and stride works.

struct Params {
  rows: u32,
  cols: u32,
  x0_off: u32,
  x0_stride: u32,
  x1_off: u32,
  x1_stride: u32,
  out_off: u32,
  out_stride: u32,
  alpha: f32,
  // sum_blocks only: block width, first block and number of blocks.
  width: u32,
  first: u32,
  count: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;
const EPT: u32 = 4u;

const OP_FILL: u32 = 0u;
const OP_ADD: u32 = 1u;
const OP_SUB: u32 = 2u;
const OP_AXPY: u32 = 3u;
const OP_SCALE: u32 = 4u;
const OP_RELU: u32 = 5u;
const OP_RELU_BWD: u32 = 6u;
const OP_BIAS: u32 = 7u;

override OP: u32 = 0u;
// Add the result to what out already holds (reluBackward's accumulate).
override ACC: bool = false;

fn reads_out() -> bool {
  return ACC || OP == OP_AXPY || OP == OP_BIAS;
}

fn apply(a: f32, b: f32, o: f32) -> f32 {
  switch OP {
    case OP_FILL: { return p.alpha; }
    case OP_ADD: { return a + b; }
    case OP_SUB: { return a - b; }
    case OP_AXPY: { return o + p.alpha * a; }
    case OP_SCALE: { return p.alpha * a; }
    // select, not max: relu(NaN) and relu(-0) must match the reference's x > 0 test.
    case OP_RELU: { return select(0.0, a, a > 0.0); }
    case OP_RELU_BWD: { return select(0.0, b, a > 0.0); }
    case OP_BIAS: { return o + b; }
    default: { return 0.0; }
  }
}

@compute @workgroup_size(WG)
fn map2d(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let chunks = (p.cols + EPT - 1u) / EPT;
  if (i >= p.rows * chunks) { return; }
  let r = i / chunks;
  let c0 = (i - r * chunks) * EPT;
  let c1 = min(c0 + EPT, p.cols);
  let a0 = p.x0_off + r * p.x0_stride;
  let b0 = p.x1_off + r * p.x1_stride;
  let o0 = p.out_off + r * p.out_stride;
  for (var c = c0; c < c1; c++) {
    var o = 0.0;
    if (reads_out()) { o = ld_out(o0 + c); }
    var v = apply(ld_x0(a0 + c), ld_x1(b0 + c), o);
    if (ACC) { v += o; }
    st_out(o0 + c, v);
  }
}

// out[r, c] = Σ_{g < count} x0[r, (first + g)·width + c], summed in block order (deterministic).
@compute @workgroup_size(WG)
fn sum_blocks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let chunks = (p.width + EPT - 1u) / EPT;
  if (i >= p.rows * chunks) { return; }
  let r = i / chunks;
  let c0 = (i - r * chunks) * EPT;
  let n = min(c0 + EPT, p.width) - c0;
  let a0 = p.x0_off + r * p.x0_stride + p.first * p.width + c0;
  var acc = array<f32, EPT>(0.0, 0.0, 0.0, 0.0);
  for (var g = 0u; g < p.count; g++) {
    let base = a0 + g * p.width;
    for (var k = 0u; k < n; k++) { acc[k] += ld_x0(base + k); }
  }
  let o0 = p.out_off + r * p.out_stride + c0;
  for (var k = 0u; k < n; k++) { st_out(o0 + k, acc[k]); }
}
