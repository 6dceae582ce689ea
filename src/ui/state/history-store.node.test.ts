import { describe, expect, it } from 'vitest';
import { zeroByTag } from '../../gpu/memory-tags';
import { DEFAULT_RUN } from './run-config';
import { HistoryStore, MAX_RUNS, type RunRecord } from './history-store';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  quota = Infinity;
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.m.set(k, v);
  }
}

function run(id: string, createdAt = 1): RunRecord {
  return {
    id,
    createdAt,
    dataset: 'citation',
    metric: 'accuracy',
    config: DEFAULT_RUN,
    status: 'done',
    params: 1000,
    peakBytes: 123456,
    peakByTag: zeroByTag(),
    msPerEpoch: 12.5,
    best: { epoch: 2, valid: 0.5, test: 0.25 },
    epochs: [
      {
        epoch: 1,
        loss: 1.5,
        train: NaN,
        valid: NaN,
        test: NaN,
        ms: 10,
        steps: 1,
        reconstruction: 1e-7,
        solver: null,
      },
      {
        epoch: 2,
        loss: 1.2,
        train: 0.6,
        valid: 0.5,
        test: 0.25,
        ms: 15,
        steps: 1,
        reconstruction: null,
        solver: null,
      },
    ],
    adapter: 'test',
    recoveries: 0,
  };
}

describe('run history', () => {
  it('keeps runs newest first across instances, NaN included', () => {
    const storage = new MemoryStorage();
    new HistoryStore(storage).add(run('a'));
    new HistoryStore(storage).add(run('b'));
    const list = new HistoryStore(storage).list();
    expect(list.map((r) => r.id)).toEqual(['b', 'a']);
    expect(list[0].epochs[0].train).toBeNaN();
    expect(list[0].epochs[0].reconstruction).toBe(1e-7);
    expect(list[0].config).toEqual(DEFAULT_RUN);
  });

  it('removes one run, clears all, and caps the count', () => {
    const h = new HistoryStore(new MemoryStorage());
    for (let i = 0; i < MAX_RUNS + 5; i++) h.add(run(`r${i}`));
    expect(h.list()).toHaveLength(MAX_RUNS);
    expect(h.remove('r3').map((r) => r.id)).not.toContain('r3');
    expect(h.clear()).toEqual([]);
    expect(h.list()).toEqual([]);
  });

  it('drops the oldest runs when storage is full instead of failing', () => {
    const storage = new MemoryStorage();
    const h = new HistoryStore(storage);
    for (let i = 0; i < 8; i++) h.add(run(`r${i}`));
    storage.quota = storage.getItem('revgnn-history-v1')!.length / 3;
    const kept = h.add(run('new'));
    expect(kept[0].id).toBe('new');
    expect(kept.length).toBeLessThan(9);
    expect(h.list()[0].id).toBe('new');
  });

  it('survives damaged storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('revgnn-history-v1', '{not json');
    expect(new HistoryStore(storage).list()).toEqual([]);
    expect(new HistoryStore(null).list()).toEqual([]);
  });
});
