// out (+)= A·x for a CSR A with optional per-entry weights.
//
// One invocation owns one row and eight consecutive channels (two vec4 lanes): each entry's column
// index and weight are loaded once for eight multiply-adds, neighbouring invocations read
// neighbouring channels of the same source row, and no output is shared between invocations (no
// atomics, deterministic). On the software adapter this measured ~3× one scalar channel group.
//
// The file has sections that the wrapper assembles into two modules:
//   header + scalar + kernel: any view; lanes past the last channel load the last channel (staying
//     inside the view) and are never stored;
//   header + vec4 + kernel: every view's offset, row stride and channel count is a multiple of 4,
//     so each lane is one array<vec4f> load. Offsets and strides stay in elements throughout.

//! header
override HAS_VALUES: bool = true;

struct Params {
  rows: u32,
  cols: u32,
  // ceil(cols / 8)
  chunks: u32,
  accumulate: u32,
  x_off: u32,
  x_stride: u32,
  out_off: u32,
  out_stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> col_idx: array<u32>;
@group(0) @binding(3) var<storage, read> vals: array<f32>;

//! scalar
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

fn lanes(c: u32) -> vec4u {
  return min(vec4u(c) + vec4u(0u, 1u, 2u, 3u), vec4u(p.cols - 1u));
}
fn load_x(base: u32, c: u32) -> vec4f {
  let i = vec4u(base) + lanes(c);
  return vec4f(x[i.x], x[i.y], x[i.z], x[i.w]);
}
fn load_out(base: u32, c: u32) -> vec4f {
  let i = vec4u(base) + lanes(c);
  return vec4f(out[i.x], out[i.y], out[i.z], out[i.w]);
}
fn store_out(base: u32, c: u32, v: vec4f) {
  if (c < p.cols) { out[base + c] = v.x; }
  if (c + 1u < p.cols) { out[base + c + 1u] = v.y; }
  if (c + 2u < p.cols) { out[base + c + 2u] = v.z; }
  if (c + 3u < p.cols) { out[base + c + 3u] = v.w; }
}

//! vec4
@group(0) @binding(4) var<storage, read> x: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;

fn load_x(base: u32, c: u32) -> vec4f {
  return x[(base + min(c, p.cols - 4u)) >> 2u];
}
fn load_out(base: u32, c: u32) -> vec4f {
  return out[(base + min(c, p.cols - 4u)) >> 2u];
}
fn store_out(base: u32, c: u32, v: vec4f) {
  if (c < p.cols) { out[(base + c) >> 2u] = v; }
}

//! kernel
@compute @workgroup_size(64)
fn spmm(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.rows * p.chunks) { return; }
  let i = t / p.chunks;
  let ca = (t % p.chunks) * 8u;
  let cb = ca + 4u;
  var acc_a = vec4f(0.0);
  var acc_b = vec4f(0.0);
  let k1 = row_ptr[i + 1u];
  for (var k = row_ptr[i]; k < k1; k++) {
    let base = p.x_off + col_idx[k] * p.x_stride;
    var w = vec4f(1.0);
    if (HAS_VALUES) { w = vec4f(vals[k]); }
    acc_a = fma(w, load_x(base, ca), acc_a);
    acc_b = fma(w, load_x(base, cb), acc_b);
  }
  let o = p.out_off + i * p.out_stride;
  if (p.accumulate != 0u) {
    acc_a += load_out(o, ca);
    acc_b += load_out(o, cb);
  }
  store_out(o, ca, acc_a);
  store_out(o, cb, acc_b);
}
