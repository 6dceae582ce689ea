// Copies: a strided 2-D view into another (group slices), and a flat vec4 copy that serves as
// the bandwidth roofline for the kernel benchmark.

struct Params {
  rows: u32,
  cols: u32,
  src_off: u32,
  src_stride: u32,
  dst_off: u32,
  dst_stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256)
fn copy2d(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.rows * p.cols) { return; }
  let r = i / p.cols;
  let c = i % p.cols;
  dst[p.dst_off + r * p.dst_stride + c] = src[p.src_off + r * p.src_stride + c];
}

// Roofline: each invocation moves 4 consecutive floats (p.rows = number of 4-float words).
@compute @workgroup_size(256)
fn copy_flat4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.rows) { return; }
  let b = 4u * i;
  dst[b] = src[b];
  dst[b + 1u] = src[b + 1u];
  dst[b + 2u] = src[b + 2u];
  dst[b + 3u] = src[b + 3u];
}
