// Shared dropout, never stored: keep(r, c) is a counter-based hash of (seed, row, column)
// compared with a u32 threshold, so forward, inverse and recompute regenerate the same mask
// bit-exactly. src/reference/dropout.ts reproduces the hash; change both together.
// Operands x (read) and out (read/write) via the accessors of src/kernels/operands.ts;
// dropout_csr also reads row_ptr and col_idx.

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

// dropout_csr: the CSR is the matrix's transpose (rows are columns of the masked matrix).
override TRANSPOSED: bool = false;
// dropout_csr: the CSR has per-entry values (else every entry is 1).
override HAS_VALUES: bool = true;

// Dropout of a sparse matrix's stored entries (input dropout on bag-of-words features): entry
// (r, col_idx[k]) is kept by the same hash as dropout2d gives element (r, col) of the dense
// matrix, so the features' CSR and its transpose (TRANSPOSED) drop exactly the same entries.
// One invocation per CSR row; p.rows is the CSR's row count, x and out are its value arrays.
@compute @workgroup_size(WG)
fn dropout_csr(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  for (var k = ld_row_ptr(r); k < ld_row_ptr(r + 1u); k++) {
    var row = r;
    var col = ld_col_idx(k);
    if (TRANSPOSED) {
      row = col;
      col = r;
    }
    let keep = mix32((col + p.col_offset) ^ mix32((row + p.row_offset) ^ mix32(p.seed))) >= p.threshold;
    var v = p.scale;
    if (HAS_VALUES) { v *= ld_x(p.x_off + k); }
    st_out(p.out_off + k, select(0.0, v, keep));
  }
}
