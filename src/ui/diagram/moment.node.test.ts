import { describe, expect, it } from 'vitest';
import type { TimelineSeries } from '../../worker/protocol';
import {
  keptLayers,
  momentAt,
  parsePhase,
  revState,
  schematic,
  stops,
  type Moment,
} from './moment';

const series = (phases: string[]): TimelineSeries => ({
  label: 't',
  model: 'rev',
  layers: 2,
  source: 'probe',
  groups: 2,
  points: phases.map((phase, i) => ({ x: i / phases.length, bytes: 100 + i, phase })),
  segments: [],
  peakBytes: 0,
  startBytes: 0,
  events: phases.length,
});

const at = (label: string): Moment => ({ x: 0, bytes: null, label, ...parsePhase(label) });

describe('reading the engine’s phase labels', () => {
  it('finds pass, layer and group step', () => {
    expect(parsePhase('forward 12 · f1')).toEqual({
      phase: 'forward',
      layer: 12,
      action: 'f',
      group: 1,
    });
    expect(parsePhase('backward 3 · inverse 0')).toMatchObject({ action: 'inverse', group: 0 });
    expect(parsePhase('backward 3 · grad 2')).toMatchObject({ action: 'grad', group: 2 });
    expect(parsePhase('forward 2 · exchange')).toMatchObject({
      layer: 2,
      action: 'exchange',
      group: null,
    });
    expect(parsePhase('backward 7')).toEqual({
      phase: 'backward',
      layer: 7,
      action: null,
      group: null,
    });
    expect(parsePhase('head')).toEqual({ phase: 'head', layer: null, action: null, group: null });
    expect(parsePhase('encode backward').phase).toBe('backward');
  });

  it('a position in the step picks the point that began there', () => {
    const s = series(['encode', 'forward 1 · f0', 'forward 2 · f1', 'head']);
    expect(momentAt(s, 0)!.phase).toBe('encode');
    expect(momentAt(s, 0.3)).toMatchObject({ layer: 1, action: 'f', group: 0, bytes: 101 });
    expect(momentAt(s, 0.5)).toMatchObject({ layer: 2, group: 1 });
    expect(momentAt(s, 1)!.phase).toBe('head');
    expect(stops(series(['a', 'a', 'b', 'b', 'a']))).toEqual([0, 0.4, 0.8]);
  });
});

describe('what the reversible block holds', () => {
  it('forward: x stays, y fills group by group, s lives while the groups update', () => {
    const st = revState(at('forward 1 · f1'), 3);
    expect(st.x).toEqual(['alive', 'alive', 'alive']);
    expect(st.y).toEqual(['alive', 'active', 'absent']);
    expect(st.s).toBe('alive');
    expect(st.f).toEqual({ group: 1, mode: 'forward' });
    expect(revState(at('forward 1 · exchange'), 3).s).toBe('active');
  });

  it('backward: y is rebuilt into x in place, last group first — each group held once', () => {
    for (const label of [
      'backward 2',
      'backward 2 · inverse 2',
      'backward 2 · grad 2',
      'backward 2 · inverse 1',
      'backward 2 · grad 1',
      'backward 2 · exchange',
      'backward 2 · inverse 0',
      'backward 2 · grad 0',
    ]) {
      const st = revState(at(label), 3);
      for (let j = 0; j < 3; j++) {
        const held = [st.x[j], st.y[j]].filter((v) => v !== 'absent').length;
        expect(held, `${label}, group ${j}`).toBeGreaterThanOrEqual(1);
        if (st.x[j] !== 'active') expect(held, `${label}, group ${j}`).toBe(1);
      }
    }
    const mid = revState(at('backward 2 · grad 1'), 3);
    expect(mid.x).toEqual(['absent', 'alive', 'alive']);
    expect(mid.y).toEqual(['alive', 'absent', 'absent']);
    expect(mid.f).toEqual({ group: 1, mode: 'grad' });
    expect(mid.grad).toBe(true);
    expect(revState(at('backward 2 · grad 0'), 3).x).toEqual(['alive', 'alive', 'alive']);
  });

  it('the schematic runs forward groups first to last, the inverse last to first', () => {
    const steps = schematic('rev', 3).map((m) => m.label);
    expect(steps).toEqual([
      'forward · exchange',
      'forward · f0',
      'forward · f1',
      'forward · f2',
      'backward · inverse 2',
      'backward · grad 2',
      'backward · inverse 1',
      'backward · grad 1',
      'backward · exchange',
      'backward · inverse 0',
      'backward · grad 0',
    ]);
  });
});

describe('what is kept between layers', () => {
  it('res keeps every layer below the one in hand; rev only that one', () => {
    const m = at('forward 3');
    expect(keptLayers('res', m, 4)).toEqual(['alive', 'alive', 'active', 'absent']);
    expect(keptLayers('rev', m, 4)).toEqual(['absent', 'absent', 'active', 'absent']);
    expect(keptLayers('res', at('head'), 3)).toEqual(['alive', 'alive', 'alive']);
    expect(keptLayers('res', at('backward 2'), 3)).toEqual(['alive', 'active', 'absent']);
  });
});
