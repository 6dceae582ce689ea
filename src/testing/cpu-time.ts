// "Refused quickly" measured as this process's CPU time: wall time depends on what else the
// machine runs (tests share two cores with other work), CPU time does not.

/** This process's CPU time (user + system) in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
