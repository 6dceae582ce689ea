// The run history as React state over the browser store, plus which runs are overlaid on the charts.
import { useCallback, useMemo, useState } from 'react';
import { HistoryStore, type RunRecord } from '../state/history-store';
import { browserStorage } from '../state/kept';

export interface History {
  runs: RunRecord[];
  overlay: ReadonlySet<string>;
  add(run: RunRecord): void;
  remove(id: string): void;
  clear(): void;
  toggleOverlay(id: string): void;
  /** Overlays exactly these runs. */
  showOnly(ids: string[]): void;
  /** Set when storage refused to keep a run. */
  problem: string | null;
}

export function useHistory(): History {
  const store = useMemo(() => new HistoryStore(browserStorage()), []);
  const [runs, setRuns] = useState<RunRecord[]>(() => store.list());
  const [overlay, setOverlay] = useState<ReadonlySet<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);

  const guard = useCallback((fn: () => RunRecord[]) => {
    try {
      setRuns(fn());
      setProblem(null);
    } catch (e) {
      setProblem(
        `The run history could not be saved in this browser (${e instanceof Error ? e.message : e}).`,
      );
    }
  }, []);

  return {
    runs,
    overlay,
    problem,
    add: useCallback((run: RunRecord) => guard(() => store.add(run)), [guard, store]),
    remove: useCallback(
      (id: string) => {
        guard(() => store.remove(id));
        setOverlay((o) => new Set([...o].filter((x) => x !== id)));
      },
      [guard, store],
    ),
    clear: useCallback(() => {
      guard(() => store.clear());
      setOverlay(new Set());
    }, [guard, store]),
    toggleOverlay: useCallback(
      (id: string) =>
        setOverlay((o) => {
          const next = new Set(o);
          if (!next.delete(id)) next.add(id);
          return next;
        }),
      [],
    ),
    showOnly: useCallback((ids: string[]) => setOverlay(new Set(ids)), []),
  };
}
