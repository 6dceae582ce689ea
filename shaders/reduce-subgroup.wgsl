// The subgroup variant of the reductions in reduce.wgsl: a workgroup's values are summed by
// subgroupAdd within each subgroup, then the per-subgroup sums (fewer than WG) by every subgroup
// at once, so there is one barrier instead of log2(WG). The order of a subgroupAdd is the
// hardware's, fixed for a given adapter: same inputs, same bits on that adapter.
//
// Joined after the `header` section of reduce.wgsl. Lanes are numbered by subgroupExclusiveAdd
// over the active invocations, which stays right for a partial subgroup.
enable subgroups;
// Every subgroup operation below runs where all invocations of its subgroup do.
diagnostic(off, subgroup_uniformity);

var<workgroup> per_subgroup: array<f32, WG>;

// The workgroup's total of v, returned to every invocation.
fn workgroup_sum(v: f32, sg: u32, subgroups: u32) -> f32 {
  let lane = subgroupExclusiveAdd(1u);
  let width = subgroupAdd(1u);
  let s = subgroupAdd(v);
  if (lane == 0u) { per_subgroup[sg] = s; }
  workgroupBarrier();
  var t = 0.0;
  for (var k = 0u; k < subgroups; k += width) {
    if (k + lane < subgroups) { t += per_subgroup[k + lane]; }
  }
  return subgroupAdd(t);
}

@compute @workgroup_size(WG)
fn partial(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3u,
           @builtin(num_workgroups) nwg: vec3u, @builtin(subgroup_id) sg: u32,
           @builtin(num_subgroups) subgroups: u32) {
  let total = workgroup_sum(pass1_share(wg.x, nwg.x, lid), sg, subgroups);
  if (lid == 0u) { st_part(p.part_off + wg.x, total); }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_index) lid: u32, @builtin(subgroup_id) sg: u32,
          @builtin(num_subgroups) subgroups: u32) {
  let total = workgroup_sum(pass2_share(lid), sg, subgroups);
  if (lid == 0u) { st_out(p.out_off, finished(total)); }
}
