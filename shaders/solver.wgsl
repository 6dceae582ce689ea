// The quasi-Newton fixed-point solvers (limited-memory Broyden, Anderson) as three kernels per
// iteration, whatever the history size m:
//   dots    — one pass over the iterate: every inner product the iteration needs (the residual's
//             norms and the history products UᵀΔx, VᵀΔg, Vᵀg), as per-workgroup partial sums;
//   finish  — one workgroup: sums the partials, runs the stopping test and the restart / damped
//             fallback bookkeeping, and forms the iteration's small coefficients (Broyden's secant
//             terms, or Anderson's least-squares mixing weights from its Gram matrix);
//   update  — one pass again: the new history column, the step, the best iterate, in place.
// So the CPU never waits inside a solve: it reads `state` once every few iterations to notice
// what the GPU already decided. src/kernels/solver.ts documents the state slots; src/reference/
// solvers.ts is the float64 twin of this arithmetic.
// Operands via the accessors of src/kernels/operands.ts: f = Φ(z) and part are read; z, work
// (g_prev, Δx, best, g_best as four P-long blocks), hist (the columns of U then of V, each block
// padded to a multiple of 4 columns) and state are written.

struct Params {
  // P: elements of the iterate
  n: u32,
  // history pairs (≤ MMAX) and the slot this iteration writes
  m: u32,
  slot: u32,
  // 1-based iteration (0: the initial step from z = 0) and its place in the residual log
  iteration: u32,
  log_slot: u32,
  tol: f32,
  // invocations of `dots` (rows of part)
  groups: u32,
  f_off: u32,
  z_off: u32,
  work_off: u32,
  hist_off: u32,
  state_off: u32,
  part_off: u32,
  // 0: Broyden, 1: Anderson
  method: u32,
  // step factor of the damped fixed-point fallback (and after a restart)
  damping: f32,
  // restarts after which the solve stays on damped fixed-point iteration
  fallback_after: f32,
  // Anderson's Tikhonov term, relative to the largest diagonal of its Gram matrix
  ridge: f32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;
const MMAX: u32 = 16u;
// gg, ff, zz, Δx·Δg, Δx·g, Δg·Δg, Δg·g, then UᵀΔx, VᵀΔg, Vᵀg (MMAX each)
const KMAX: u32 = 7u + 3u * MMAX;
const S_UDX: u32 = 7u;
const S_VDG: u32 = 7u + MMAX;
const S_VG: u32 = 7u + 2u * MMAX;

// state slots (mirrored by SOLVER_STATE in src/kernels/solver.ts)
const GG: u32 = 0u;
const FF: u32 = 1u;
const ZZ: u32 = 2u;
const RECIP: u32 = 3u;
const STEP: u32 = 4u;
const DONE: u32 = 5u;
const DONE_AT: u32 = 6u;
const BEST: u32 = 7u;
const KEEP: u32 = 8u;
const RESET: u32 = 9u;
const RESTARTS: u32 = 10u;
const FALLBACK: u32 = 11u;
const ZZ_BEST: u32 = 12u;
const A: u32 = 16u;
const B: u32 = 16u + MMAX;
const C: u32 = 16u + 2u * MMAX;
const H: u32 = 16u + 3u * MMAX;
const LOG: u32 = 16u + 3u * MMAX + MMAX * MMAX;

// A residual this many times the best so far means the model has gone bad (a ReLU kink crossed,
// or f32 noise near the floor): restart from the best iterate with no history.
const RESTART_FACTOR: f32 = 10.0;
// An iterate this many times the best one's norm is running away — a linear map with an
// eigenvalue past 1 (the adjoint solve at an unstable fixed point) grows without its relative
// residual ever jumping — and is treated like a jump: back to the best iterate.
const GROWTH_LIMIT: f32 = 1e3;
// Below this |vᵀΔg| Broyden's update is skipped: its reciprocal would overflow f32.
const TINY: f32 = 1e-30;
// Logged in place of a residual computed from NaN or ∞ (a norm ratio is never negative).
const NOT_FINITE: f32 = -1.0;

// By the bits: WGSL lets compilers assume floats are finite, so comparisons cannot be trusted to
// see a NaN (SwiftShader's do not).
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// The history is column-major: column j of U at hist_off + j·n, column j of V at
// hist_off + (w + j)·n, w = m rounded up to a multiple of 4 (the padding columns stay 0) — so the
// products below read four columns as one vec4, and neighbouring invocations read neighbouring
// addresses of every column (coalesced on GPUs, whole SIMD loads on software adapters).
fn hist_width() -> u32 {
  return (p.m + 3u) / 4u * 4u;
}

fn u_at(i: u32, j: u32) -> u32 {
  return p.hist_off + j * p.n + i;
}

fn v_at(i: u32, j: u32) -> u32 {
  return p.hist_off + (hist_width() + j) * p.n + i;
}

fn h4(first: u32) -> vec4f {
  let n = p.n;
  return vec4f(ld_hist(first), ld_hist(first + n), ld_hist(first + 2u * n), ld_hist(first + 3u * n));
}

fn put4(at: u32, v: vec4f) {
  st_part(at, v.x);
  st_part(at + 1u, v.y);
  st_part(at + 2u, v.z);
  st_part(at + 3u, v.w);
}

// Partial sums of every product: invocation t of p.groups folds elements t, t + groups, … and
// writes row t of `part`; finish adds the rows up. No workgroup memory and no barrier — software
// adapters (SwiftShader) run a barrier by switching every invocation out and back, which made a
// shared-memory tree 15× slower than this — and the accumulators are named vec4s, not an array
// indexed by a loop variable, which such adapters keep in memory. g = f − z, Δg = g − g_prev.
@compute @workgroup_size(WG)
fn dots(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= p.groups) { return; }
  let anderson = p.method == 1u;
  let q = (p.m + 3u) / 4u;
  var s0 = vec4f();
  var s1 = vec4f();
  var u0 = vec4f();
  var u1 = vec4f();
  var u2 = vec4f();
  var u3 = vec4f();
  var b0 = vec4f();
  var b1 = vec4f();
  var b2 = vec4f();
  var b3 = vec4f();
  var c0 = vec4f();
  var c1 = vec4f();
  var c2 = vec4f();
  var c3 = vec4f();
  for (var i = t; i < p.n; i += p.groups) {
    let f = ld_f(p.f_off + i);
    let z = ld_z(p.z_off + i);
    let g = f - z;
    let dg = g - ld_work(p.work_off + i);
    let dx = ld_work(p.work_off + p.n + i);
    s0 += vec4f(g * g, f * f, z * z, dx * dg);
    s1 += vec4f(dx * g, dg * dg, dg * g, 0.0);
    var v = h4(v_at(i, 0u));
    b0 += v * dg;
    c0 += v * g;
    if (!anderson) { u0 += h4(u_at(i, 0u)) * dx; }
    if (q > 1u) {
      v = h4(v_at(i, 4u));
      b1 += v * dg;
      c1 += v * g;
      if (!anderson) { u1 += h4(u_at(i, 4u)) * dx; }
    }
    if (q > 2u) {
      v = h4(v_at(i, 8u));
      b2 += v * dg;
      c2 += v * g;
      if (!anderson) { u2 += h4(u_at(i, 8u)) * dx; }
    }
    if (q > 3u) {
      v = h4(v_at(i, 12u));
      b3 += v * dg;
      c3 += v * g;
      if (!anderson) { u3 += h4(u_at(i, 12u)) * dx; }
    }
  }
  let at = p.part_off + t * KMAX;
  put4(at, s0);
  st_part(at + 4u, s1.x);
  st_part(at + 5u, s1.y);
  st_part(at + 6u, s1.z);
  put4(at + S_UDX, u0);
  put4(at + S_UDX + 4u, u1);
  put4(at + S_UDX + 8u, u2);
  put4(at + S_UDX + 12u, u3);
  put4(at + S_VDG, b0);
  put4(at + S_VDG + 4u, b1);
  put4(at + S_VDG + 8u, b2);
  put4(at + S_VDG + 12u, b3);
  put4(at + S_VG, c0);
  put4(at + S_VG + 4u, c1);
  put4(at + S_VG + 8u, c2);
  put4(at + S_VG + 12u, c3);
}

var<workgroup> sums: array<f32, KMAX>;

// rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖) — the smaller denominator bounds both usual definitions
// (DEQ's /‖Φ(z)‖ and /‖z‖). Logs it; flags an improvement (KEEP) or a jump far above the best
// or a norm GROWTH_LIMIT × the best's (RESET, counted in RESTARTS; after fallback_after of them
// the solve stays damped); latches DONE
// once below the tolerance, after which STEP = 0 freezes the iterate so that iterations queued
// before the CPU looks change nothing.
fn control(s: u32) -> bool {
  let gg = sums[0];
  let ff = min(sums[1], sums[2]);
  let done = ld_state(s + DONE);
  st_state(s + GG, gg);
  st_state(s + FF, sums[1]);
  st_state(s + ZZ, sums[2]);
  var keep = 0.0;
  var reset = 0.0;
  if (!is_finite(gg) || !is_finite(ff)) {
    st_state(s + LOG + p.log_slot, NOT_FINITE);
  } else {
    let rel = sqrt(gg) / max(sqrt(ff), TINY);
    st_state(s + LOG + p.log_slot, rel);
    if (done == 0.0) {
      let best = ld_state(s + BEST);
      let runaway = sums[2] > GROWTH_LIMIT * GROWTH_LIMIT * ld_state(s + ZZ_BEST);
      if (rel < best && !runaway) {
        st_state(s + BEST, rel);
        st_state(s + ZZ_BEST, sums[2]);
        keep = 1.0;
      } else if (rel > RESTART_FACTOR * best || runaway) {
        reset = 1.0;
        let restarts = ld_state(s + RESTARTS) + 1.0;
        st_state(s + RESTARTS, restarts);
        if (restarts >= p.fallback_after) { st_state(s + FALLBACK, 1.0); }
      }
      if (rel < p.tol) {
        st_state(s + DONE, 1.0);
        st_state(s + DONE_AT, f32(p.iteration));
      }
    }
  }
  st_state(s + KEEP, keep);
  st_state(s + RESET, reset);
  let now_done = ld_state(s + DONE);
  // fallback_after = 0: damped fixed-point iteration from the start.
  let damped = reset != 0.0 || ld_state(s + FALLBACK) != 0.0 || p.fallback_after <= 0.0;
  st_state(s + STEP, (1.0 - now_done) * select(1.0, p.damping, damped));
  // No model update once done, on a restart (the history is dropped) or when damped.
  return now_done != 0.0 || damped;
}

// Broyden (inverse-Jacobian form B = −I + U·Vᵀ, the DEQ papers' solver): with a = UᵀΔx and
// b = VᵀΔg, the new pair is v = −Δx + V·a, u = (Δx + Δg − U·b) / (vᵀΔg) where
// vᵀΔg = −ΔxᵀΔg + aᵀb; the next step −B'g = g − U'·(V'ᵀg) needs V'ᵀg, whose new entry is
// vᵀg = −Δxᵀg + aᵀ(Vᵀg). All from the dot products: no second pass over the vectors.
fn broyden(s: u32, idle: bool) {
  var ab = 0.0;
  var avg = 0.0;
  for (var j = 0u; j < p.m; j++) {
    let a = sums[S_UDX + j];
    st_state(s + A + j, a);
    st_state(s + B + j, sums[S_VDG + j]);
    ab += a * sums[S_VDG + j];
    avg += a * sums[S_VG + j];
  }
  let vdg = -sums[3] + ab;
  var recip = 0.0;
  if (!idle && is_finite(vdg) && abs(vdg) > TINY) { recip = 1.0 / vdg; }
  st_state(s + RECIP, recip);
  for (var j = 0u; j < p.m; j++) {
    var c = sums[S_VG + j];
    if (j == p.slot) { c = -sums[4] + avg; }
    st_state(s + C + j, select(c, 0.0, idle));
  }
}

// Anderson (type II, mixing 1): the new pair is (Δx, Δg); with the Gram matrix H = ΔGᵀΔG kept
// in the state (one row and column replaced per iteration), γ solves (H + ridge·max(diag)·I) γ =
// ΔGᵀg over the columns in use, by Gaussian elimination with partial pivoting (m ≤ 16).
fn anderson(s: u32, idle: bool) {
  let m = p.m;
  let k = p.slot;
  for (var j = 0u; j < m; j++) {
    var h = sums[S_VDG + j];
    if (j == k) { h = sums[5]; }
    if (ld_state(s + RESET) != 0.0) { h = 0.0; }
    st_state(s + H + k * MMAX + j, h);
    st_state(s + H + j * MMAX + k, h);
  }
  if (ld_state(s + RESET) != 0.0) {
    for (var i = 0u; i < m * MMAX; i++) { st_state(s + H + i, 0.0); }
  }
  var mat: array<f32, 272>; // MMAX × (MMAX + 1), augmented
  var top = 0.0;
  for (var i = 0u; i < m; i++) { top = max(top, ld_state(s + H + i * MMAX + i)); }
  let ridge = max(p.ridge * top, TINY);
  for (var i = 0u; i < m; i++) {
    let used = ld_state(s + H + i * MMAX + i) > 0.0;
    for (var j = 0u; j < m; j++) {
      var h = 0.0;
      if (used && ld_state(s + H + j * MMAX + j) > 0.0) { h = ld_state(s + H + i * MMAX + j); }
      if (i == j) { h += ridge; }
      mat[i * (MMAX + 1u) + j] = h;
    }
    var r = sums[S_VG + i];
    if (i == k) { r = sums[6]; }
    mat[i * (MMAX + 1u) + MMAX] = select(0.0, r, used);
  }
  for (var c = 0u; c < m; c++) {
    var piv = c;
    for (var i = c + 1u; i < m; i++) {
      if (abs(mat[i * (MMAX + 1u) + c]) > abs(mat[piv * (MMAX + 1u) + c])) { piv = i; }
    }
    for (var j = 0u; j <= MMAX; j++) {
      let t = mat[c * (MMAX + 1u) + j];
      mat[c * (MMAX + 1u) + j] = mat[piv * (MMAX + 1u) + j];
      mat[piv * (MMAX + 1u) + j] = t;
    }
    let d = mat[c * (MMAX + 1u) + c];
    for (var i = c + 1u; i < m; i++) {
      let f = mat[i * (MMAX + 1u) + c] / d;
      for (var j = c; j <= MMAX; j++) {
        mat[i * (MMAX + 1u) + j] -= f * mat[c * (MMAX + 1u) + j];
      }
    }
  }
  var gamma: array<f32, MMAX>;
  for (var ii = 0u; ii < m; ii++) {
    let i = m - 1u - ii;
    var t = mat[i * (MMAX + 1u) + MMAX];
    for (var j = i + 1u; j < m; j++) { t -= mat[i * (MMAX + 1u) + j] * gamma[j]; }
    gamma[i] = t / mat[i * (MMAX + 1u) + i];
  }
  for (var j = 0u; j < m; j++) {
    let gj = select(gamma[j], 0.0, idle || !is_finite(gamma[j]));
    st_state(s + C + j, gj);
  }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_id) lid: vec3u) {
  if (lid.x < KMAX) {
    var t = 0.0;
    for (var g = 0u; g < p.groups; g++) { t += ld_part(p.part_off + g * KMAX + lid.x); }
    sums[lid.x] = t;
  }
  workgroupBarrier();
  if (lid.x != 0u) { return; }
  let s = p.state_off;
  let idle = control(s);
  if (p.method == 1u) { anderson(s, idle); } else { broyden(s, idle); }
}

// Element i of everything, after finish: the best iterate kept (KEEP) or restored with the
// history dropped (RESET), the new history pair written into `slot`, and the step taken:
// z += STEP · (the method's direction). iteration 0 is the first step from z = 0: Δx = Φ(0).
@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let s = p.state_off;
  let n = p.n;
  let gp_at = p.work_off + i;
  let dx_at = p.work_off + n + i;
  let best_at = p.work_off + 2u * n + i;
  let gbest_at = p.work_off + 3u * n + i;
  var z = ld_z(p.z_off + i);
  var g = ld_f(p.f_off + i) - z;
  let dg = g - ld_work(gp_at);
  let dx = ld_work(dx_at);
  let m = p.m;
  var dir = g;
  if (p.iteration == 0u) {
    st_work(gp_at, g);
    st_work(dx_at, g);
    st_z(p.z_off + i, z + g);
    return;
  }
  if (ld_state(s + RESET) != 0.0) {
    z = ld_work(best_at);
    g = ld_work(gbest_at);
    dir = g;
    for (var j = 0u; j < m; j++) {
      st_hist(u_at(i, j), 0.0);
      st_hist(v_at(i, j), 0.0);
    }
  } else {
    if (ld_state(s + KEEP) != 0.0) {
      st_work(best_at, z);
      st_work(gbest_at, g);
    }
    var fresh_u = 0.0;
    var fresh_v = 0.0;
    var mix = 0.0;
    if (p.method == 1u) {
      fresh_u = dx;
      fresh_v = dg;
      for (var j = 0u; j < m; j++) {
        var uj = ld_hist(u_at(i, j));
        var vj = ld_hist(v_at(i, j));
        if (j == p.slot) {
          uj = dx;
          vj = dg;
        }
        mix += (uj + vj) * ld_state(s + C + j);
      }
    } else {
      var va = 0.0;
      var ub = 0.0;
      for (var j = 0u; j < m; j++) {
        va += ld_hist(v_at(i, j)) * ld_state(s + A + j);
        ub += ld_hist(u_at(i, j)) * ld_state(s + B + j);
      }
      fresh_v = -dx + va;
      fresh_u = (dx + dg - ub) * ld_state(s + RECIP);
      for (var j = 0u; j < m; j++) {
        var uj = ld_hist(u_at(i, j));
        if (j == p.slot) { uj = fresh_u; }
        mix += uj * ld_state(s + C + j);
      }
    }
    st_hist(u_at(i, p.slot), fresh_u);
    st_hist(v_at(i, p.slot), fresh_v);
    dir = g - mix;
  }
  let step = ld_state(s + STEP) * dir;
  st_work(gp_at, g);
  st_work(dx_at, step);
  st_z(p.z_off + i, z + step);
}
