override HAS_VALUES: bool = true;
const LANES: u32 = 2u;
struct Params { rows: u32, cols: u32, chunks: u32, accumulate: u32, x_off: u32, x_stride: u32, out_off: u32, out_stride: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> col_idx: array<u32>;
@group(0) @binding(3) var<storage, read> vals: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
fn load_x(base: u32, c0: u32) -> vec4f {
  let last = p.cols - 1u;
  return vec4f(x[base + min(c0, last)], x[base + min(c0 + 1u, last)], x[base + min(c0 + 2u, last)], x[base + min(c0 + 3u, last)]);
}
fn store_out(base: u32, c0: u32, v: vec4f) {
  if (c0 < p.cols) { out[base + c0] = v.x; }
  if (c0 + 1u < p.cols) { out[base + c0 + 1u] = v.y; }
  if (c0 + 2u < p.cols) { out[base + c0 + 2u] = v.z; }
  if (c0 + 3u < p.cols) { out[base + c0 + 3u] = v.w; }
}
@compute @workgroup_size(64)
fn spmm(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.rows * p.chunks) { return; }
  let i = t / p.chunks;
  let c0 = (t % p.chunks) * 4u * LANES;
  var acc: array<vec4f, LANES>;
  let k1 = row_ptr[i + 1u];
  for (var k = row_ptr[i]; k < k1; k++) {
    let base = p.x_off + col_idx[k] * p.x_stride;
    let w = vec4f(vals[k]);
    for (var l = 0u; l < LANES; l++) { acc[l] = fma(w, load_x(base, c0 + 4u * l), acc[l]); }
  }
  let o = p.out_off + i * p.out_stride;
  for (var l = 0u; l < LANES; l++) { store_out(o, c0 + 4u * l, acc[l]); }
}

@group(0) @binding(4) var<storage, read> x4: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> out4: array<vec4f>;
// all offsets/strides in vec4 units
@compute @workgroup_size(64)
fn spmm4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.rows * p.chunks) { return; }
  let i = t / p.chunks;
  let c0 = (t % p.chunks) * 2u;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  let k1 = row_ptr[i + 1u];
  for (var k = row_ptr[i]; k < k1; k++) {
    let base = p.x_off + col_idx[k] * p.x_stride + c0;
    let w = vals[k];
    a0 = fma(vec4f(w), x4[base], a0);
    a1 = fma(vec4f(w), x4[base + 1u], a1);
  }
  let o = p.out_off + i * p.out_stride + c0;
  out4[o] = a0;
  out4[o + 1u] = a1;
}
@compute @workgroup_size(64)
fn spmm4x1(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.rows * p.chunks) { return; }
  let i = t / p.chunks;
  let c0 = (t % p.chunks);
  var a0 = vec4f(0.0);
  let k1 = row_ptr[i + 1u];
  for (var k = row_ptr[i]; k < k1; k++) {
    let base = p.x_off + col_idx[k] * p.x_stride + c0;
    a0 = fma(vec4f(vals[k]), x4[base], a0);
  }
  out4[p.out_off + i * p.out_stride + c0] = a0;
}
@compute @workgroup_size(64)
fn spmm4outer(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.rows * p.chunks) { return; }
  let i = t / p.chunks;
  let cc = (t % p.chunks) * 2u;
  let k0 = row_ptr[i];
  let k1 = row_ptr[i + 1u];
  for (var l = 0u; l < 2u; l++) {
    let c0 = cc + l;
    if (c0 * 4u >= p.cols) { break; }
    var a0 = vec4f(0.0);
    for (var k = k0; k < k1; k++) {
      let base = p.x_off + col_idx[k] * p.x_stride + c0;
      a0 = fma(vec4f(vals[k]), x4[base], a0);
    }
    out4[p.out_off + i * p.out_stride + c0] = a0;
  }
}
