// Every run the page starts is kept in the browser (localStorage: small records, synchronous,
// there after a reload), newest first, so runs can be compared and overlaid later.
import type { ByTag } from '../../gpu/memory-tags';
import type { EpochRecord } from '../../train/trainer';
import type { RunStatus } from '../../worker/protocol';
import { replaceNonFinite as replace, reviveNonFinite as revive } from './kept';
import type { RunConfig } from './run-config';

export const HISTORY_KEY = 'revgnn-history-v1';
export const MAX_RUNS = 60;

export interface RunRecord {
  id: string;
  createdAt: number;
  /** The dataset's name as the manifest gives it. */
  dataset: string;
  metric: 'accuracy' | 'rocauc';
  config: RunConfig;
  status: RunStatus;
  message?: string;
  params: number;
  peakBytes: number;
  peakByTag: ByTag;
  /** Mean wall time of an epoch (training and evaluation). */
  msPerEpoch: number;
  best: { epoch: number; valid: number; test: number };
  epochs: EpochRecord[];
  adapter: string;
  recoveries: number;
}

export class HistoryStore {
  constructor(
    private readonly storage: Storage | null,
    private readonly key = HISTORY_KEY,
  ) {}

  list(): RunRecord[] {
    if (!this.storage) return [];
    const text = this.storage.getItem(this.key);
    if (!text) return [];
    try {
      const data = JSON.parse(text, revive) as unknown;
      if (!Array.isArray(data)) return [];
      return (data as RunRecord[]).filter(
        (r) => r && typeof r.id === 'string' && r.config?.model && Array.isArray(r.epochs),
      );
    } catch {
      // A damaged history must not take the page down: start a fresh one.
      return [];
    }
  }

  /** Adds a run (newest first); drops the oldest when storage is full. */
  add(run: RunRecord): RunRecord[] {
    const runs = [run, ...this.list().filter((r) => r.id !== run.id)].slice(0, MAX_RUNS);
    return this.save(runs);
  }

  remove(id: string): RunRecord[] {
    return this.save(this.list().filter((r) => r.id !== id));
  }

  clear(): RunRecord[] {
    this.storage?.removeItem(this.key);
    return [];
  }

  private save(runs: RunRecord[]): RunRecord[] {
    if (!this.storage) return runs;
    let keep = runs;
    for (;;) {
      try {
        this.storage.setItem(this.key, JSON.stringify(keep, replace));
        return keep;
      } catch (e) {
        if (keep.length <= 1) throw e;
        keep = keep.slice(0, Math.ceil(keep.length / 2));
      }
    }
  }
}

export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}-${Math.floor(Math.random() * 0xffff)
    .toString(36)
    .padStart(3, '0')}`;
}
