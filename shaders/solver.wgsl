// The scalar bookkeeping of the quasi-Newton fixed-point solvers, kept on the GPU so that an
// iteration needs no readback: the stopping test, the best iterate, the restart decision and the
// secant coefficient are computed here from 1×1 reductions the reduce kernels left in `state`,
// and applied to vectors by flag-guarded copies.
// Operands state, src (read) and dst via the accessors of src/kernels/operands.ts.
//
// state layout (f32, from p.state_off): see SOLVER_STATE in src/kernels/solver.ts.

struct Params {
  state_off: u32,
  iteration: u32,
  log_slot: u32,
  tol: f32,
  rows: u32,
  cols: u32,
  src_off: u32,
  src_stride: u32,
  dst_off: u32,
  dst_stride: u32,
  // select_copy / zero_if: the state slot holding the flag
  flag: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const GG: u32 = 0u;
const FF: u32 = 1u;
const ZZ: u32 = 2u;
const DOT: u32 = 3u;
const RECIP: u32 = 4u;
const STEP: u32 = 5u;
const DONE: u32 = 6u;
const DONE_AT: u32 = 7u;
const BEST: u32 = 8u;
const KEEP: u32 = 9u;
const RESET: u32 = 10u;
const RESTARTS: u32 = 11u;
const LOG: u32 = 12u;

// A residual this many times the best so far means the secant model has gone bad (a kink of
// ReLU crossed, or f32 noise near the floor): restart from the best iterate with no history.
const RESTART_FACTOR: f32 = 10.0;

// Below this |vᵀΔg| the secant update is skipped: its reciprocal would overflow f32.
const TINY: f32 = 1e-30;

// Logged in place of a residual computed from NaN or ∞ (a norm ratio is never negative).
const NOT_FINITE: f32 = -1.0;

// By the bits: WGSL lets compilers assume floats are finite, so comparisons cannot be trusted to
// see a NaN (SwiftShader's do not).
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖) from GG = ‖Φ(z) − z‖², FF = ‖Φ(z)‖², ZZ = ‖z‖²: the
// smaller denominator bounds both usual definitions (DEQ's /‖Φ(z)‖ and /‖z‖), so a solve that
// stops below the tolerance is below it by either. Logs it; flags an improvement
// (KEEP) or a jump far above the best (RESET, counted in RESTARTS); latches DONE once it is below
// the tolerance: from then on STEP = 0 freezes the iterate, so iterations queued before the CPU
// looks change nothing.
@compute @workgroup_size(1)
fn residual() {
  let s = p.state_off;
  let gg = ld_state(s + GG);
  let ff = min(ld_state(s + FF), ld_state(s + ZZ));
  var done = ld_state(s + DONE);
  var keep = 0.0;
  var reset = 0.0;
  if (!is_finite(gg) || !is_finite(ff)) {
    st_state(s + LOG + p.log_slot, NOT_FINITE);
    st_state(s + KEEP, 0.0);
    st_state(s + RESET, 0.0);
    st_state(s + STEP, 1.0 - done);
    return;
  }
  let rel = sqrt(gg) / max(sqrt(ff), TINY);
  st_state(s + LOG + p.log_slot, rel);
  if (done == 0.0) {
    let best = ld_state(s + BEST);
    if (rel < best) {
      st_state(s + BEST, rel);
      keep = 1.0;
    } else if (rel > RESTART_FACTOR * best) {
      reset = 1.0;
      st_state(s + RESTARTS, ld_state(s + RESTARTS) + 1.0);
    }
    if (rel < p.tol) {
      done = 1.0;
      st_state(s + DONE, 1.0);
      st_state(s + DONE_AT, f32(p.iteration));
    }
  }
  st_state(s + KEEP, keep);
  st_state(s + RESET, reset);
  st_state(s + STEP, 1.0 - done);
}

// RECIP = 1/(vᵀΔg) for Broyden's new u, or 0 (no update) once done, on a restart, or when it
// would overflow.
@compute @workgroup_size(1)
fn secant() {
  let s = p.state_off;
  let d = ld_state(s + DOT);
  var r = 0.0;
  let idle = ld_state(s + DONE) != 0.0 || ld_state(s + RESET) != 0.0;
  if (!idle && is_finite(d) && abs(d) > TINY) { r = 1.0 / d; }
  st_state(s + RECIP, r);
}

fn element(gid: vec3u, nwg: vec3u) -> vec2u {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.rows * p.cols) { return vec2u(0xffffffffu, 0u); }
  let r = i / p.cols;
  return vec2u(r, i - r * p.cols);
}

// dst ← src where state[flag] is set (the best iterate kept, or restored on a restart).
@compute @workgroup_size(64)
fn select_copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  if (ld_state(p.state_off + p.flag) == 0.0) { return; }
  let e = element(gid, nwg);
  if (e.x == 0xffffffffu) { return; }
  st_dst(p.dst_off + e.x * p.dst_stride + e.y, ld_src(p.src_off + e.x * p.src_stride + e.y));
}

// dst ← 0 where state[flag] is set (the history dropped on a restart).
@compute @workgroup_size(64)
fn zero_if(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  if (ld_state(p.state_off + p.flag) == 0.0) { return; }
  let e = element(gid, nwg);
  if (e.x == 0xffffffffu) { return; }
  st_dst(p.dst_off + e.x * p.dst_stride + e.y, 0.0);
}
