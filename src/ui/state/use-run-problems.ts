// Every reason the configured run cannot start, including what only the dataset's manifest
// knows (how many shards and nodes it has, or why it could not be read).
import { useMemo } from 'react';
import type { ManifestState } from '../config/use-datasets';
import { runProblems, type Problem, type RunConfig } from './run-config';

export function useRunProblems(cfg: RunConfig, manifest: ManifestState): Problem[] {
  const m = manifest.manifest;
  return useMemo(() => {
    const facts = m
      ? {
          numShards: m.shards.length,
          nodes: (cfg.shards ?? m.shards.map((_, i) => i))
            .filter((i) => i < m.shards.length)
            .reduce((t, i) => t + m.shards[i].nodes, 0),
        }
      : {};
    const out = runProblems(cfg, facts);
    if (manifest.error) out.unshift({ field: 'dataset', text: manifest.error });
    return out;
  }, [cfg, m, manifest.error]);
}
