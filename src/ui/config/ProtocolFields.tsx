// The settings of a published protocol beside the model: a named recipe applied in one go, the
// input's preprocessing and dropout, weight decay (all parameters, or the first layer as Kipf's
// GCN has it), clipping, early stopping, and repeats over seeds.
import { useId } from 'react';
import { FEATURE_PREPS } from '../../models/config';
import { RECIPE_NAMES, RECIPES } from '../../train/recipes';
import { runExtras, withRecipe, type Problem, type RunConfig } from '../state/run-config';
import { NumberField } from './NumberField';
import { Select } from './Select';

export function RecipePicker({ onApply }: { onApply(fn: (c: RunConfig) => RunConfig): void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Recipe</label>
      <select
        id={id}
        value=""
        data-testid="recipe-select"
        onChange={(e) => {
          const name = e.target.value;
          if (name) onApply((c) => withRecipe(c, name));
        }}
      >
        <option value="">apply a published setting…</option>
        {RECIPE_NAMES.map((n) => (
          <option key={n} value={n} title={RECIPES[n].source}>
            {n} — {RECIPES[n].title}
          </option>
        ))}
      </select>
    </div>
  );
}

interface Props {
  cfg: RunConfig;
  onChange(fn: (c: RunConfig) => RunConfig): void;
  problems: Problem[];
}

export function ProtocolFields({ cfg, onChange, problems }: Props) {
  const at = (f: Problem['field']) => problems.filter((p) => p.field === f).map((p) => p.text);
  const x = runExtras(cfg);
  const set = (patch: Partial<RunConfig>) => onChange((c) => ({ ...c, ...patch }));
  const m = cfg.model;
  return (
    <fieldset>
      <legend>Inputs, regularisation, repeats</legend>
      <div className="row">
        <Select
          label="Features"
          value={m.features ?? 'raw'}
          options={FEATURE_PREPS}
          words={{ raw: 'as stored', 'row-normalized': 'rows sum to 1 (Kipf)' }}
          onChange={(features) => onChange((c) => ({ ...c, model: { ...c.model, features } }))}
          testId="features-select"
        />
        <NumberField
          label="Input dropout"
          value={m.inputDropout ?? 0}
          min={0}
          max={0.99}
          step={0.05}
          onChange={(v) => onChange((c) => ({ ...c, model: { ...c.model, inputDropout: v ?? 0 } }))}
          problems={at('inputDropout')}
          testId="input-dropout-input"
        />
      </div>
      <div className="row">
        <NumberField
          label="Weight decay"
          value={x.weightDecay}
          min={0}
          step={0.0001}
          onChange={(v) => set({ weightDecay: v ?? 0 })}
          testId="weight-decay-input"
        />
        <Select
          label="Decay applies to"
          value={x.weightDecayScope}
          options={['all', 'first-layer'] as const}
          words={{ all: 'every parameter', 'first-layer': 'the first layer only' }}
          onChange={(weightDecayScope) => set({ weightDecayScope })}
        />
      </div>
      <div className="row">
        <NumberField
          label="Gradient clip"
          value={x.clip}
          min={0}
          step={0.1}
          hint="max global norm; 0: off"
          onChange={(v) => set({ clip: v ?? 0 })}
          testId="clip-input"
        />
        <NumberField
          label="Patience"
          value={x.patience}
          min={0}
          step={1}
          hint="epochs without a better valid score before stopping; 0: never"
          onChange={(v) => set({ patience: v ?? 0 })}
          testId="patience-input"
        />
      </div>
      {!!at('regularisation').length && (
        <div className="field-problem" role="alert">
          {at('regularisation').join(' ')}
        </div>
      )}
      <div className="row">
        <NumberField
          label="Repeat with seeds"
          value={x.repeats}
          min={1}
          step={1}
          hint={`seeds ${cfg.seed} to ${cfg.seed + Math.max(1, x.repeats) - 1}; reports mean ± std`}
          onChange={(v) => set({ repeats: v ?? 1 })}
          problems={at('repeats')}
          testId="repeats-input"
        />
      </div>
    </fieldset>
  );
}
