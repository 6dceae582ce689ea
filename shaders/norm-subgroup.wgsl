// The subgroup variant of LayerNorm's row passes (norm.wgsl's `rows` section): a subgroup per
// row, its lanes on neighbouring columns (coalesced reads, where one invocation per row walks
// memory D floats apart from its neighbours), the row's sums by subgroupAdd. Each subgroup takes
// rows first, first + stride, … so any subgroup size covers every row.
//
// Joined after the `header` section of norm.wgsl and before its `columns` section. Lanes are
// numbered by subgroupExclusiveAdd over the active invocations, right for a partial subgroup too.
enable subgroups;
// Every subgroup operation below runs where all invocations of its subgroup do: a subgroup
// shares its row, and the column loops have the same trip count in every lane.
diagnostic(off, subgroup_uniformity);

struct Lanes {
  lane: u32,
  width: u32,
  first: u32,
  stride: u32,
}

fn lanes(wg: vec3u, nwg: vec3u, sg: u32, subgroups: u32) -> Lanes {
  return Lanes(
    subgroupExclusiveAdd(1u),
    subgroupAdd(1u),
    (wg.x + wg.y * nwg.x) * subgroups + sg,
    nwg.x * nwg.y * subgroups,
  );
}

// Mean, then the variance about it, of the row at base; every lane gets both.
fn row_stats(base: u32, l: Lanes) -> vec2f {
  let n = f32(p.cols);
  var s = 0.0;
  for (var c0 = 0u; c0 < p.cols; c0 += l.width) {
    let c = c0 + l.lane;
    if (c < p.cols) { s += ld_x(base + c); }
  }
  let mean = subgroupAdd(s) / n;
  var v = 0.0;
  for (var c0 = 0u; c0 < p.cols; c0 += l.width) {
    let c = c0 + l.lane;
    if (c < p.cols) {
      let d = ld_x(base + c) - mean;
      v += d * d;
    }
  }
  return vec2f(mean, 1.0 / sqrt(subgroupAdd(v) / n + p.eps));
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(subgroup_id) sg: u32, @builtin(num_subgroups) subgroups: u32) {
  let l = lanes(wg, nwg, sg, subgroups);
  for (var r = l.first; r < p.rows; r += l.stride) {
    let xb = p.x_off + r * p.x_stride;
    let ob = p.out_off + r * p.out_stride;
    let st = row_stats(xb, l);
    for (var c = l.lane; c < p.cols; c += l.width) {
      let xh = (ld_x(xb + c) - st.x) * st.y;
      st_out(ob + c, xh * ld_gamma(p.g_off + c) + ld_beta(p.b_off + c));
    }
  }
}

// Backward pass 1 with a subgroup per row: mean, rstd, mean(g) and mean(g·x̂) with g = dy·γ into
// stats (rows × 4), as the per-invocation pass does.
@compute @workgroup_size(WG)
fn backward_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
                 @builtin(subgroup_id) sg: u32, @builtin(num_subgroups) subgroups: u32) {
  let l = lanes(wg, nwg, sg, subgroups);
  for (var r = l.first; r < p.rows; r += l.stride) {
    let xb = p.x_off + r * p.x_stride;
    let db = p.dy_off + r * p.dy_stride;
    let st = row_stats(xb, l);
    var sg_sum = 0.0;
    var sgx_sum = 0.0;
    for (var c0 = 0u; c0 < p.cols; c0 += l.width) {
      let c = c0 + l.lane;
      if (c < p.cols) {
        let g = ld_dy(db + c) * ld_gamma(p.g_off + c);
        sg_sum += g;
        sgx_sum += g * (ld_x(xb + c) - st.x) * st.y;
      }
    }
    let n = f32(p.cols);
    let mean_g = subgroupAdd(sg_sum) / n;
    let mean_gx = subgroupAdd(sgx_sum) / n;
    if (l.lane == 0u) {
      st_stats(4u * r, st.x);
      st_stats(4u * r + 1u, st.y);
      st_stats(4u * r + 2u, mean_g);
      st_stats(4u * r + 3u, mean_gx);
    }
  }
}
