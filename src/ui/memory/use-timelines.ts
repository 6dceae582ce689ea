// The step timelines on the page: captured from a training run or measured on a fresh device,
// the latest few kept in the browser so a reload still shows them.
import { useCallback, useRef, useState } from 'react';
import { Comlink, type EngineClient } from '../../worker/client';
import type { CaptureResult, TimelineSeries } from '../../worker/protocol';
import { browserStorage, readKept, writeKept } from '../state/kept';
import { runSpec, type RunConfig } from '../state/run-config';

export const TIMELINES_KEY = 'revgnn-timelines-v1';
export const MAX_TIMELINES = 4;

const isSeriesList = (v: unknown): v is TimelineSeries[] =>
  Array.isArray(v) &&
  v.every(
    (t) =>
      t &&
      typeof t.label === 'string' &&
      typeof t.model === 'string' &&
      Array.isArray(t.points) &&
      Array.isArray(t.segments),
  );

export interface Timelines {
  series: TimelineSeries[];
  add(t: TimelineSeries): void;
  clear(): void;
  /** Measures one step of `cfg` on a fresh device and adds its timeline. */
  capture(cfg: RunConfig): Promise<CaptureResult | null>;
  busy: boolean;
  /** Why the last measurement failed, or why the browser would not keep the timelines. */
  problem: string | null;
}

export function useTimelines(client: EngineClient | null): Timelines {
  const [series, setSeries] = useState<TimelineSeries[]>(
    () => readKept(browserStorage(), TIMELINES_KEY, isSeriesList) ?? [],
  );
  const latest = useRef(series);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const keep = useCallback((next: TimelineSeries[]) => {
    latest.current = next;
    setSeries(next);
    const refused = writeKept(browserStorage(), TIMELINES_KEY, next.length ? next : null);
    if (refused) setProblem(`The step timelines could not be kept: ${refused}`);
  }, []);

  const add = useCallback(
    (t: TimelineSeries) =>
      keep([...latest.current.filter((x) => x.label !== t.label), t].slice(-MAX_TIMELINES)),
    [keep],
  );

  const capture = useCallback(
    async (cfg: RunConfig): Promise<CaptureResult | null> => {
      if (!client) return null;
      setBusy(true);
      setProblem(null);
      try {
        const r = await client.captureStep(
          runSpec(cfg),
          Comlink.proxy({ loading: () => undefined }),
        );
        if (r.ok) add(r.series);
        else setProblem(r.status === 'oom' ? `This step does not fit: ${r.message}` : r.message);
        return r;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        setProblem(message);
        return { ok: false, status: 'error', message };
      } finally {
        setBusy(false);
      }
    },
    [client, add],
  );

  const clear = useCallback(() => keep([]), [keep]);
  return { series, add, clear, capture, busy, problem };
}
