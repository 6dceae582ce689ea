// Folds a 1-D count of workgroups into (x, y) under the per-dimension limit (65 535 by default);
// shaders rebuild the linear index as gid.x + gid.y * num_workgroups.x * WG.
export const MAX_GROUPS_PER_DIM = 65_535;

export function grid1d(items: number, workgroupSize: number): [number, number] {
  const groups = Math.ceil(items / workgroupSize);
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}
