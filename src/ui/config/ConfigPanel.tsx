// Every setting of a run, each with its problems beside it, and the short lessons that go with them.
import type { ReactNode } from 'react';
import {
  DEQ_DEFAULTS,
  GEN_AGGREGATIONS,
  isReversible,
  MODEL_KINDS,
  OP_KINDS,
  SOLVER_METHODS,
  type ModelConfig,
  type ModelKind,
} from '../../models/config';
import type { StoredDataset } from '../../graph/store';
import {
  BudgetExplain,
  GroupsExplain,
  InverseExplain,
  MemoryExplain,
  ModelsExplain,
  PartsExplain,
} from '../learn/explanations';
import type { Problem, ProblemField, RunConfig } from '../state/run-config';
import { DatasetPicker } from './DatasetPicker';
import { DepthControl } from './DepthControl';
import { NumberField } from './NumberField';
import { ProtocolFields, RecipePicker } from './ProtocolFields';
import { Select } from './Select';
import type { ManifestState } from './use-datasets';

const MODEL_WORDS: Record<ModelKind, string> = {
  res: 'res — residual (stores activations)',
  'res-ckpt': 'res-ckpt — residual with checkpointing',
  rev: 'rev — reversible (RevGNN)',
  wtrev: 'wtrev — reversible, weights tied',
  deq: 'deq — deep equilibrium (DEQ-GNN)',
  plain: 'plain — shallow baseline (Kipf GCN, GraphSAGE)',
};

const OP_WORDS: Record<string, string> = {
  gcn: 'GCN',
  sage: 'GraphSAGE (mean)',
  gen: 'GEN (DeeperGCN)',
  gat: 'GAT (attention)',
};

interface Props {
  cfg: RunConfig;
  onChange(fn: (c: RunConfig) => RunConfig): void;
  problems: Problem[];
  stored: StoredDataset[];
  manifest: ManifestState & { loading: boolean };
  disabled: boolean;
  /** Shown under the depth slider (what the last sweep predicts at this depth). */
  depthNote?: ReactNode;
}

export function ConfigPanel({
  cfg,
  onChange,
  problems,
  stored,
  manifest,
  disabled,
  depthNote,
}: Props) {
  const at = (f: ProblemField) => problems.filter((p) => p.field === f).map((p) => p.text);
  const setModel = (patch: Partial<ModelConfig>) =>
    onChange((c) => ({ ...c, model: { ...c.model, ...patch } }));
  const m = cfg.model;
  const rev = isReversible(m.model);
  const num = (v: number | null, fallback: number) => (v === null ? fallback : v);

  return (
    <section className="panel config" aria-labelledby="config-title" data-testid="config-panel">
      <h2 id="config-title">Configure</h2>
      <fieldset disabled={disabled} className="plain">
        <DatasetPicker
          value={cfg.dataset}
          shards={cfg.shards}
          stored={stored}
          manifest={manifest}
          problems={[...at('dataset'), ...at('shards')]}
          onChange={(dataset, shards) => onChange((c) => ({ ...c, dataset, shards }))}
        />

        <fieldset>
          <legend>Model</legend>
          <RecipePicker onApply={onChange} />
          <Select
            label="Architecture"
            value={m.model}
            options={MODEL_KINDS}
            words={MODEL_WORDS}
            onChange={(model) => setModel({ model })}
            problems={at('model')}
            testId="model-select"
          />
          <ModelsExplain />
          <Select
            label="Operator"
            value={m.op}
            options={OP_KINDS}
            words={OP_WORDS}
            onChange={(op) => setModel({ op })}
            problems={at('op')}
            testId="op-select"
          />
          {m.op === 'gat' && (
            <NumberField
              label="Attention heads"
              value={m.heads ?? 1}
              min={1}
              step={1}
              onChange={(v) => setModel({ heads: num(v, m.heads ?? 1) })}
              problems={at('heads')}
              testId="heads-input"
            />
          )}
          {m.op === 'gen' && (
            <Select
              label="GEN aggregation"
              value={m.aggregation}
              options={GEN_AGGREGATIONS}
              onChange={(aggregation) => setModel({ aggregation })}
            />
          )}
          {m.op === 'gen' && m.aggregation !== 'max' && (
            <Select
              label={m.aggregation === 'softmax' ? 'Temperature β' : 'Exponent p'}
              value={m.learnAggr === false ? 'fixed' : 'learned'}
              options={['learned', 'fixed'] as const}
              words={{ learned: 'learned (starts at 1)', fixed: 'fixed at 1' }}
              onChange={(v) => setModel({ learnAggr: v === 'learned' })}
            />
          )}
          <DepthControl
            value={m.layers}
            onChange={(layers) => setModel({ layers })}
            problems={at('layers')}
            label={
              m.model === 'deq' ? 'Iteration cap (deq: at most this many solver steps)' : undefined
            }
            note={depthNote}
          />
          {m.model === 'deq' && (
            <div className="row">
              <NumberField
                label="Solver tolerance"
                value={m.tolerance ?? null}
                allowEmpty
                min={0}
                placeholder="model default"
                onChange={(v) => setModel({ tolerance: v ?? undefined })}
                problems={at('tolerance')}
                testId="tolerance-input"
              />
              <NumberField
                label="Warm-up steps"
                value={m.warmupSteps ?? null}
                allowEmpty
                min={0}
                step={1}
                placeholder="model default"
                onChange={(v) => setModel({ warmupSteps: v ?? undefined })}
                problems={at('warmup')}
                testId="warmup-input"
              />
            </div>
          )}
          {m.model === 'deq' && (
            <div className="row">
              <Select
                label="Solver"
                value={m.solver ?? DEQ_DEFAULTS.solver}
                options={SOLVER_METHODS}
                words={{ broyden: 'Broyden (the DEQ papers’)', anderson: 'Anderson' }}
                onChange={(solver) => setModel({ solver })}
                testId="solver-select"
              />
              <NumberField
                label="Jacobian penalty γ"
                value={m.jacobianPenalty ?? null}
                allowEmpty
                min={0}
                step={0.1}
                placeholder="0: off"
                hint="keeps the fixed-point map contractive as it trains"
                onChange={(v) => setModel({ jacobianPenalty: v ?? undefined })}
                problems={at('jacobian')}
                testId="jacobian-input"
              />
            </div>
          )}
          <MemoryExplain />
          <div className="row">
            <NumberField
              label="Channels"
              value={m.channels}
              min={1}
              step={1}
              onChange={(v) => setModel({ channels: num(v, m.channels) })}
              problems={at('channels')}
              testId="channels-input"
            />
            <NumberField
              label="Groups"
              value={m.groups}
              min={1}
              step={1}
              onChange={(v) => setModel({ groups: num(v, m.groups) })}
              problems={at('groups')}
              disabled={!rev}
              hint={rev ? undefined : 'only reversible models use groups'}
              testId="groups-input"
            />
          </div>
          {rev && <GroupsExplain />}
          {rev && <InverseExplain />}
          {m.model === 'wtrev' && (
            <Select
              label="Weight tying"
              value={m.tying}
              options={['first-untied', 'all'] as const}
              words={{
                'first-untied': 'first block untied, the rest shared (the paper’s counts)',
                all: 'every block shared',
              }}
              onChange={(tying) => setModel({ tying })}
            />
          )}
          <NumberField
            label="Dropout"
            value={m.dropout}
            min={0}
            max={0.99}
            step={0.05}
            onChange={(v) => setModel({ dropout: num(v, m.dropout) })}
            problems={at('dropout')}
            testId="dropout-input"
          />
        </fieldset>

        <fieldset>
          <legend>Training</legend>
          <div className="row">
            <NumberField
              label="Learning rate"
              value={cfg.lr}
              min={0}
              step={0.001}
              onChange={(v) => onChange((c) => ({ ...c, lr: num(v, c.lr) }))}
              problems={at('lr')}
              testId="lr-input"
            />
            <NumberField
              label="Epochs"
              value={cfg.epochs}
              min={1}
              step={1}
              onChange={(v) => onChange((c) => ({ ...c, epochs: num(v, c.epochs) }))}
              problems={at('epochs')}
              testId="epochs-input"
            />
          </div>
          <div className="row">
            <NumberField
              label="Parts per epoch"
              value={cfg.parts}
              min={1}
              step={1}
              onChange={(v) => onChange((c) => ({ ...c, parts: num(v, c.parts) }))}
              problems={at('parts')}
              testId="parts-input"
            />
            <NumberField
              label="Seed"
              value={cfg.seed}
              min={0}
              step={1}
              onChange={(v) => onChange((c) => ({ ...c, seed: num(v, c.seed) }))}
              problems={at('seed')}
              testId="seed-input"
            />
          </div>
          <div className="row">
            <NumberField
              label="Evaluation parts"
              value={cfg.evalParts}
              min={1}
              step={1}
              onChange={(v) => onChange((c) => ({ ...c, evalParts: num(v, c.evalParts) }))}
              problems={at('evalParts')}
              hint="Evaluation runs part by part too, so it needs no more memory than a step."
              testId="eval-parts-input"
            />
            <NumberField
              label="Evaluation views"
              value={cfg.evalViews}
              min={1}
              step={1}
              onChange={(v) => onChange((c) => ({ ...c, evalViews: num(v, c.evalViews) }))}
              problems={at('evalViews')}
              hint="Predictions averaged over this many random partitions."
              testId="eval-views-input"
            />
          </div>
          <PartsExplain />
        </fieldset>

        <ProtocolFields cfg={cfg} onChange={onChange} problems={problems} />

        <fieldset>
          <legend>Memory</legend>
          <NumberField
            label="Budget"
            suffix="MiB"
            value={cfg.budgetMiB}
            allowEmpty
            min={0}
            step={1}
            placeholder="the whole GPU"
            onChange={(v) => onChange((c) => ({ ...c, budgetMiB: v }))}
            problems={at('budget')}
            hint="Simulates a smaller GPU. Empty: no limit but the device’s."
            testId="budget-input"
          />
          <BudgetExplain />
        </fieldset>
      </fieldset>
    </section>
  );
}
