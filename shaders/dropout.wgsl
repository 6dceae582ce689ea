// Shared dropout, never stored: keep(r, c) is a counter-based hash of (seed, row, column)
// compared with a u32 threshold, so forward, inverse and recompute regenerate the same mask
// bit-exactly. src/reference/dropout.ts reproduces the hash; change both together.
// Operands x (read) and out (read/write) via the accessors of src/kernels/operands.ts.

struct Params {
  rows: u32,
  cols: u32,
  x_off: u32,
  x_stride: u32,
  out_off: u32,
  out_stride: u32,
  seed: u32,
  row_offset: u32,
  col_offset: u32,
  // floor(p·2³²): an element is kept when its hash is ≥ this.
  threshold: u32,
  // 1/(1 − p), rounded to f32 once on the CPU.
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;
const EPT: u32 = 4u;

// Write the scaled keep mask itself instead of masking x.
override MASK: bool = false;

// lowbias32 (C. Wellons): a full-avalanche 32-bit mixer, two multiplies.
fn mix32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x21f0aaadu;
  h ^= h >> 15u;
  h *= 0x735a2d97u;
  h ^= h >> 15u;
  return h;
}

@compute @workgroup_size(WG)
fn dropout2d(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let chunks = (p.cols + EPT - 1u) / EPT;
  if (i >= p.rows * chunks) { return; }
  let r = i / chunks;
  let c0 = (i - r * chunks) * EPT;
  let c1 = min(c0 + EPT, p.cols);
  // hash(seed, row, col) = mix32(col ^ mix32(row ^ mix32(seed))); the row part once per run.
  let hr = mix32((r + p.row_offset) ^ mix32(p.seed));
  let xb = p.x_off + r * p.x_stride;
  let ob = p.out_off + r * p.out_stride;
  for (var c = c0; c < c1; c++) {
    let keep = mix32((c + p.col_offset) ^ hr) >= p.threshold;
    var v = p.scale;
    if (!MASK) { v *= ld_x(xb + c); }
    st_out(ob + c, select(0.0, v, keep));
  }
}
