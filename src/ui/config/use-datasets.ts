// The datasets a person can choose (built-ins and those stored in this browser) and the chosen
// one's manifest, read on the page: it is small, and the shard list needs it before any run.
import { useCallback, useEffect, useState } from 'react';
import { refKey, sourceFor, type DatasetRef } from '../../graph/catalog';
import type { DatasetManifest } from '../../graph/format';
import { loadManifest } from '../../graph/load';
import { listStoredDatasets, type StoredDataset } from '../../graph/store';

export interface ManifestState {
  key: string;
  manifest: DatasetManifest | null;
  error: string | null;
}

export function useManifest(ref: DatasetRef): ManifestState & { loading: boolean } {
  const key = refKey(ref);
  const [state, setState] = useState<ManifestState>({ key: '', manifest: null, error: null });
  useEffect(() => {
    let live = true;
    loadManifest(sourceFor(ref)).then(
      (manifest) => live && setState({ key, manifest, error: null }),
      (e) =>
        live &&
        setState({
          key,
          manifest: null,
          error: `This dataset cannot be read: ${e instanceof Error ? e.message : String(e)}`,
        }),
    );
    return () => {
      live = false;
    };
    // ref is fully described by key
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (state.key !== key) return { key, manifest: null, error: null, loading: true };
  return { ...state, loading: false };
}

export function useStoredDatasets(): {
  stored: StoredDataset[];
  problem: string | null;
  refresh(): void;
} {
  const [stored, setStored] = useState<StoredDataset[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    listStoredDatasets().then(
      (list) => {
        if (!live) return;
        setStored(list);
        setProblem(null);
      },
      (e) =>
        live &&
        setProblem(`Stored datasets are unavailable here (${e instanceof Error ? e.message : e}).`),
    );
    return () => {
      live = false;
    };
  }, [version]);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { stored, problem, refresh };
}
