// A depth sweep as the page sees it: the rows arrive one measured point at a time, and the last
// sweep is kept in the browser (with what it measured) so a reload still shows it.
import { useCallback, useRef, useState } from 'react';
import { Comlink, type EngineClient } from '../../worker/client';
import type { SweepListener, SweepRow, SweepSpec } from '../../worker/protocol';
import { browserStorage, readKept, writeKept } from '../state/kept';

export const SWEEP_KEY = 'revgnn-sweep-v1';

export interface SweepView {
  running: boolean;
  rows: SweepRow[];
  done: number;
  total: number;
  /** What was measured: dataset, base model, models, depths and the budget (bytes). */
  spec: SweepSpec | null;
  /** The budget the rows were measured under (bytes). */
  budgetBytes: number | null;
  error: string | null;
  loading: string | null;
  /** When the rows were measured (ms since 1970). */
  at: number | null;
}

interface Kept {
  spec: SweepSpec;
  rows: SweepRow[];
  at: number;
}

const isKept = (v: unknown): v is Kept =>
  !!v &&
  typeof v === 'object' &&
  Array.isArray((v as Kept).rows) &&
  !!(v as Kept).spec?.base &&
  (v as Kept).rows.every((r) => typeof r?.layers === 'number' && typeof r?.model === 'string');

const EMPTY: SweepView = {
  running: false,
  rows: [],
  done: 0,
  total: 0,
  spec: null,
  budgetBytes: null,
  error: null,
  loading: null,
  at: null,
};

function keptView(): SweepView {
  const k = readKept(browserStorage(), SWEEP_KEY, isKept);
  return k
    ? {
        ...EMPTY,
        rows: k.rows,
        done: k.rows.length,
        total: k.rows.length,
        spec: k.spec,
        budgetBytes: k.spec.budgetBytes,
        at: k.at,
      }
    : EMPTY;
}

export interface Sweep {
  view: SweepView;
  /** Runs the sweep; resolves with its rows when it ends. */
  start(spec: SweepSpec): Promise<SweepRow[]>;
  stop(): void;
  clear(): void;
  /** Set when the browser would not keep the sweep. */
  problem: string | null;
}

export function useSweep(client: EngineClient | null): Sweep {
  const [view, setView] = useState<SweepView>(keptView);
  const [problem, setProblem] = useState<string | null>(null);
  const token = useRef(0);

  /** Keeps what was measured so far (a partial sweep too) in the browser. */
  const keep = useCallback((spec: SweepSpec, rows: SweepRow[], at: number) => {
    setProblem(writeKept(browserStorage(), SWEEP_KEY, { spec, rows, at }));
  }, []);

  const start = useCallback(
    async (spec: SweepSpec): Promise<SweepRow[]> => {
      if (!client) return [];
      const mine = ++token.current;
      const total = spec.models.length * spec.depths.length;
      const at = Date.now();
      const got: SweepRow[] = [];
      setView({
        ...EMPTY,
        running: true,
        total,
        spec,
        budgetBytes: spec.budgetBytes,
        at,
      });
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
        point: (row, done) => {
          if (token.current !== mine) return;
          got.push(row);
          keep(spec, [...got], at);
          live((v) => ({ ...v, rows: [...v.rows, row], done, loading: null }));
        },
      };
      try {
        const rows = await client.sweep(spec, Comlink.proxy(listener));
        if (token.current === mine) {
          if (rows.length) keep(spec, rows, at);
          setView((v) => ({ ...v, running: false, rows, done: rows.length, loading: null }));
        }
        return rows;
      } catch (e) {
        if (token.current === mine)
          setView((v) => ({
            ...v,
            running: false,
            loading: null,
            error: `The sweep stopped: ${e instanceof Error ? e.message : String(e)}`,
          }));
        return [];
      }
    },
    [client, keep],
  );

  const stop = useCallback(() => void client?.stop(), [client]);
  const clear = useCallback(() => {
    token.current++;
    setView(EMPTY);
    writeKept(browserStorage(), SWEEP_KEY, null);
  }, []);
  return { view, start, stop, clear, problem };
}
