// A depth sweep as the page sees it: the rows arrive one measured point at a time.
import { useCallback, useRef, useState } from 'react';
import { Comlink, type EngineClient } from '../../worker/client';
import type { SweepListener, SweepRow, SweepSpec } from '../../worker/protocol';

export interface SweepView {
  running: boolean;
  rows: SweepRow[];
  done: number;
  total: number;
  /** The budget the rows were measured under (bytes). */
  budgetBytes: number | null;
  error: string | null;
  loading: string | null;
}

const EMPTY: SweepView = {
  running: false,
  rows: [],
  done: 0,
  total: 0,
  budgetBytes: null,
  error: null,
  loading: null,
};

export function useSweep(client: EngineClient | null) {
  const [view, setView] = useState<SweepView>(EMPTY);
  const token = useRef(0);

  const start = useCallback(
    async (spec: SweepSpec) => {
      if (!client) return;
      const mine = ++token.current;
      const total = spec.models.length * spec.depths.length;
      setView({ ...EMPTY, running: true, total, budgetBytes: spec.budgetBytes });
      const live = (fn: (v: SweepView) => SweepView) =>
        setView((v) => (token.current === mine && v.running ? fn(v) : v));
      const listener: SweepListener = {
        loading: (p) =>
          live((v) => ({
            ...v,
            loading:
              p.phase === 'done'
                ? null
                : `Loading the dataset (${p.shardsDone}/${p.shardsTotal} shards)…`,
          })),
        point: (row, done) => live((v) => ({ ...v, rows: [...v.rows, row], done, loading: null })),
      };
      try {
        const rows = await client.sweep(spec, Comlink.proxy(listener));
        if (token.current === mine)
          setView((v) => ({ ...v, running: false, rows, done: rows.length, loading: null }));
      } catch (e) {
        if (token.current === mine)
          setView((v) => ({
            ...v,
            running: false,
            loading: null,
            error: `The sweep stopped: ${e instanceof Error ? e.message : String(e)}`,
          }));
      }
    },
    [client],
  );

  const stop = useCallback(() => void client?.stop(), [client]);
  return { view, start, stop };
}
