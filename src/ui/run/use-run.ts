// One training run as the page sees it: it starts the run in the worker and turns the worker's
// events into state; when the run ends, the run goes into the history. "Repeat with N seeds" runs
// it N times (seeds seed … seed + N − 1), each kept in the history, and reports mean ± std.
import { useCallback, useRef, useState } from 'react';
import type { LoadProgress } from '../../graph/load';
import type { EpochRecord } from '../../train/trainer';
import { Comlink, type EngineClient } from '../../worker/client';
import type {
  RunListener,
  RunResult,
  RunStarted,
  RunStep,
  TimelineSeries,
} from '../../worker/protocol';
import { summarizeSeeds, type SeedSummary } from '../../train/seeds';
import { newRunId, type RunRecord } from '../state/history-store';
import { runExtras, runSpec, type RunConfig } from '../state/run-config';

export type RunPhase = 'idle' | 'loading' | 'running' | 'paused' | 'stopping' | 'finished';

export interface RunView {
  phase: RunPhase;
  config: RunConfig | null;
  loading: LoadProgress | null;
  started: RunStarted | null;
  epochs: EpochRecord[];
  step: RunStep | null;
  result: RunResult | null;
  /** The latest news about device loss and recovery. */
  notice: string | null;
  /** The call itself failed (the worker is gone or busy). */
  error: string | null;
  /** The most bytes in use so far (from the meter, after each epoch). */
  peakBytes: number;
  /** When repeating over seeds: which run this is, and the summary once every run is done. */
  repeat: RepeatState | null;
  /** The run's record in the history, once it has finished and was kept. */
  recordId: string | null;
}

export interface RepeatState {
  /** 0-based index of the current run, of `count`. */
  index: number;
  count: number;
  seed: number;
  /** Finished runs so far. */
  done: { seed: number; best: { valid: number; test: number } }[];
  summary: SeedSummary | null;
}

const IDLE: RunView = {
  phase: 'idle',
  config: null,
  loading: null,
  started: null,
  epochs: [],
  step: null,
  result: null,
  notice: null,
  error: null,
  peakBytes: 0,
  repeat: null,
  recordId: null,
};

export interface RunHandle {
  view: RunView;
  /** Trains to the end; resolves with the run's history record (null: nothing was kept). */
  start(cfg: RunConfig, fromLoadedWeights: boolean): Promise<RunRecord | null>;
  pause(): void;
  resume(): void;
  stop(): void;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function useRun(
  client: EngineClient | null,
  adapter: string,
  onTimeline: (t: TimelineSeries) => void,
  onFinished: (r: RunRecord) => void,
): RunHandle {
  const [view, setView] = useState<RunView>(IDLE);
  const token = useRef(0);

  const runOnce = useCallback(
    async (
      cfg: RunConfig,
      fromLoadedWeights: boolean,
      repeat: RepeatState | null,
    ): Promise<RunRecord | null> => {
      if (!client) return null;
      const mine = ++token.current;
      setView({ ...IDLE, phase: 'loading', config: cfg, repeat });
      // Events come over their own channel and may trail the final result: once the run is
      // finished, the result is the truth and late events are ignored.
      const live = (fn: (v: RunView) => RunView) =>
        setView((v) => (token.current === mine && v.phase !== 'finished' ? fn(v) : v));
      const listener: RunListener = {
        loading: (p) => live((v) => ({ ...v, loading: p })),
        started: (info) =>
          live((v) => ({ ...v, phase: 'running', started: info, epochs: info.history })),
        step: (s) => live((v) => ({ ...v, step: s })),
        epoch: (rec, memory) =>
          live((v) => ({
            ...v,
            epochs: [...v.epochs.filter((e) => e.epoch < rec.epoch), rec],
            peakBytes: Math.max(v.peakBytes, memory.peakInUseBytes),
          })),
        timeline: (t) => {
          if (token.current === mine) onTimeline(t);
        },
        paused: (p) =>
          live((v) => (v.phase === 'stopping' ? v : { ...v, phase: p ? 'paused' : 'running' })),
        recovering: (msg) => live((v) => ({ ...v, notice: msg })),
        recovered: (epoch, msg) =>
          live((v) => ({ ...v, notice: msg, epochs: v.epochs.filter((e) => e.epoch <= epoch) })),
      };
      let result: RunResult;
      try {
        result = await client.train(runSpec(cfg, fromLoadedWeights), Comlink.proxy(listener));
      } catch (e) {
        if (token.current === mine)
          setView((v) => ({
            ...v,
            phase: 'finished',
            error: `The engine could not run this: ${e instanceof Error ? e.message : String(e)}`,
          }));
        return null;
      }
      if (token.current !== mine) return null;
      // A run that never got going (a configuration the engine refused) is not kept.
      const kept = result.began || result.status === 'oom';
      const id = newRunId();
      setView((v) => ({
        ...v,
        phase: 'finished',
        result,
        epochs: result.epochs,
        peakBytes: Math.max(v.peakBytes, result.peakBytes),
        recordId: kept ? id : null,
      }));
      if (!kept) return null;
      const record: RunRecord = {
        id,
        createdAt: Date.now(),
        dataset:
          result.dataset?.name ??
          (cfg.dataset.kind === 'builtin' ? cfg.dataset.name : cfg.dataset.id),
        metric: result.dataset?.metric ?? 'accuracy',
        config: cfg,
        status: result.status,
        message: result.message,
        params: result.params,
        peakBytes: result.peakBytes,
        peakByTag: result.peakByTag,
        msPerEpoch: mean(result.epochs.slice(result.startEpoch).map((e) => e.ms)),
        best: result.best,
        epochs: result.epochs,
        adapter,
        recoveries: result.recoveries,
      };
      onFinished(record);
      return record;
    },
    [client, adapter, onTimeline, onFinished],
  );

  const start = useCallback(
    async (cfg: RunConfig, fromLoadedWeights: boolean): Promise<RunRecord | null> => {
      const count = runExtras(cfg).repeats;
      if (count <= 1) return runOnce(cfg, fromLoadedWeights, null);
      const done: RepeatState['done'] = [];
      let last: RunRecord | null = null;
      for (let i = 0; i < count; i++) {
        const seed = cfg.seed + i;
        const repeat = { index: i, count, seed, done: [...done], summary: null };
        // Loaded weights continue the first run only; each seed is its own run in the history.
        last = await runOnce({ ...cfg, seed, repeats: 1 }, fromLoadedWeights && i === 0, repeat);
        if (!last || last.status !== 'done') return last;
        done.push({ seed, best: last.best });
      }
      const summary = summarizeSeeds(done);
      setView((v) => ({
        ...v,
        repeat: { index: count - 1, count, seed: cfg.seed + count - 1, done, summary },
      }));
      return last;
    },
    [runOnce],
  );

  const pause = useCallback(() => void client?.pause(), [client]);
  const resume = useCallback(() => void client?.resume(), [client]);
  const stop = useCallback(() => {
    setView((v) =>
      v.phase === 'finished' || v.phase === 'idle' ? v : { ...v, phase: 'stopping' },
    );
    void client?.resume();
    void client?.stop();
  }, [client]);

  return { view, start, pause, resume, stop };
}
