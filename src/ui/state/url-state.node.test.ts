import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE, decodeState, encodeState, parseDepths, type PageState } from './url-state';

describe('the configuration in the address', () => {
  it('round-trips every field, seed and budget included', () => {
    const s: PageState = {
      run: {
        ...DEFAULT_PAGE.run,
        dataset: { kind: 'stored', id: 'cora-2' },
        shards: [0, 2],
        model: {
          ...DEFAULT_PAGE.run.model,
          model: 'wtrev',
          op: 'sage',
          layers: 1001,
          channels: 80,
          groups: 4,
          dropout: 0.2,
          tying: 'all',
        },
        epochs: 7,
        lr: 0.003,
        parts: 5,
        evalParts: 3,
        evalViews: 2,
        seed: 42,
        budgetMiB: 12.5,
      },
      sweep: { models: ['res', 'wtrev'], depths: [4, 16] },
      embed: true,
      present: true,
      tour: 3,
    };
    const back = decodeState(encodeState(s));
    expect(back.notes).toEqual([]);
    expect(back.state).toEqual(s);
  });

  it('carries GAT and its heads', () => {
    const s: PageState = {
      ...DEFAULT_PAGE,
      run: { ...DEFAULT_PAGE.run, model: { ...DEFAULT_PAGE.run.model, op: 'gat', heads: 4 } },
    };
    expect(encodeState(s)).toContain('op=gat');
    expect(encodeState(s)).toContain('heads=4');
    expect(decodeState(encodeState(s)).state).toEqual(s);
  });

  it('carries deq solver settings only when set', () => {
    const s: PageState = {
      ...DEFAULT_PAGE,
      run: {
        ...DEFAULT_PAGE.run,
        model: { ...DEFAULT_PAGE.run.model, model: 'deq', tolerance: 1e-5, warmupSteps: 20 },
      },
    };
    expect(decodeState(encodeState(s)).state).toEqual(s);
    expect(encodeState(DEFAULT_PAGE)).not.toContain('tolerance');
  });

  it('carries the regularisation, evaluation and repeat settings only when set', () => {
    const s: PageState = {
      ...DEFAULT_PAGE,
      run: {
        ...DEFAULT_PAGE.run,
        model: { ...DEFAULT_PAGE.run.model, inputDropout: 0.5, features: 'row-normalized' },
        weightDecay: 5e-4,
        weightDecayScope: 'first-layer',
        clip: 0,
        patience: 20,
        evalParts: 5,
        repeats: 3,
      },
    };
    expect(decodeState(encodeState(s))).toEqual({ state: s, notes: [] });
    const plain = encodeState(DEFAULT_PAGE);
    for (const k of ['inputDropout', 'features', 'weightDecay', 'repeats'])
      expect(plain).not.toContain(k);
  });

  it('?recipe= starts from the recipe; fields in the address override it', () => {
    const { state, notes } = decodeState('?recipe=planetoid-gcn&channels=32');
    expect(notes).toEqual([]);
    expect(state.run.model).toMatchObject({
      model: 'plain',
      op: 'gcn',
      layers: 2,
      channels: 32,
      dropout: 0.5,
      inputDropout: 0.5,
      features: 'row-normalized',
    });
    expect(state.run).toMatchObject({ lr: 0.01, epochs: 200, weightDecay: 5e-4, clip: 0 });
    expect(state.run.weightDecayScope).toBe('first-layer');
    expect(decodeState('?recipe=nope').notes[0]).toMatch(
      /"recipe=nope" is not one of planetoid-gcn/,
    );
  });

  it('an empty address is the default configuration', () => {
    expect(decodeState('')).toEqual({ state: DEFAULT_PAGE, notes: [] });
  });

  it('falls back field by field and says why', () => {
    const { state, notes } = decodeState(
      '?model=transformer&layers=abc&channels=48&shards=x&budget=lots&sweep=res,foo&depths=1,two',
    );
    expect(state.run.model.model).toBe(DEFAULT_PAGE.run.model.model);
    expect(state.run.model.layers).toBe(DEFAULT_PAGE.run.model.layers);
    expect(state.run.model.channels).toBe(48);
    expect(state.run.shards).toBeNull();
    expect(state.run.budgetMiB).toBeNull();
    expect(state.sweep.models).toEqual(['res']);
    expect(state.sweep.depths).toEqual(DEFAULT_PAGE.sweep.depths);
    expect(notes).toHaveLength(6);
    expect(notes.join(' ')).toContain('model=transformer');
  });

  it('keeps values that parse but cannot run, so the page can explain them', () => {
    const { state, notes } = decodeState('model=rev&groups=1&epochs=0');
    expect(notes).toEqual([]);
    expect(state.run.model.groups).toBe(1);
    expect(state.run.epochs).toBe(0);
  });

  it('reads "none" shards as an empty choice and a built-in by name', () => {
    const { state } = decodeState('data=proteins&shards=none');
    expect(state.run.dataset).toEqual({ kind: 'builtin', name: 'proteins' });
    expect(state.run.shards).toEqual([]);
  });

  it('parses depth lists with any separators, sorted and unique', () => {
    expect(parseDepths('128, 2 8;32 8')).toEqual([2, 8, 32, 128]);
    expect(parseDepths('2, 0')).toBeNull();
    expect(parseDepths('  ')).toEqual([]);
  });
});

describe('the tour step in the address', () => {
  it('opens the tour at a step and says when the step is not a number', () => {
    expect(decodeState('tour=3').state.tour).toBe(3);
    expect(encodeState({ ...DEFAULT_PAGE, tour: 2 })).toContain('tour=2');
    expect(encodeState(DEFAULT_PAGE)).not.toContain('tour');
    const bad = decodeState('tour=first');
    expect(bad.state.tour).toBeNull();
    expect(bad.notes[0]).toContain('tour=first');
  });
});
