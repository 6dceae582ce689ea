// The depth sweep: which models, which depths, run it, and what each point measured.
import { useEffect, useId, useState } from 'react';
import { MODEL_KINDS, type ModelKind } from '../../models/config';
import { formatBytes } from '../../util/format';
import type { EngineClient } from '../../worker/client';
import { ChartFrame } from '../charts/ChartFrame';
import { publishDebug } from '../debug';
import { SweepExplain } from '../learn/explanations';
import { sweepProblems, sweepSpec, type RunConfig, type SweepConfig } from '../state/run-config';
import { parseDepths } from '../state/url-state';
import { DepthSweepChart } from './DepthSweepChart';
import { sweepSeries, type SweepMetric } from './sweep-series';
import { useSweep } from './use-sweep';

interface Props {
  client: EngineClient | null;
  cfg: RunConfig;
  sweep: SweepConfig;
  onChange(fn: (s: SweepConfig) => SweepConfig): void;
  /** Another job holds the engine. */
  blocked: boolean;
  onBusy(busy: boolean): void;
  controls: boolean;
}

const STATUS_WORDS = {
  ok: 'ok',
  oom: 'out of memory',
  invalid: 'not possible',
  error: 'failed',
} as const;

export function SweepPanel({ client, cfg, sweep, onChange, blocked, onBusy, controls }: Props) {
  const id = useId();
  const { view, start, stop } = useSweep(client);
  const [metric, setMetric] = useState<SweepMetric>('activations');
  // Only this field changes the depths, so its text is the source and the list follows it.
  const [depthText, setDepthText] = useState(sweep.depths.join(', '));
  const depthsOk = parseDepths(depthText) !== null;
  const problems = [
    ...sweepProblems(cfg, sweep).map((p) => p.text),
    ...(depthsOk ? [] : ['Depths: whole numbers ≥ 1, separated by commas.']),
  ];
  const series = sweepSeries(view.rows, metric, view.budgetBytes);
  const ooms = view.rows.filter((r) => r.status === 'oom').length;

  useEffect(() => onBusy(view.running), [view.running, onBusy]);
  useEffect(() => {
    publishDebug({
      sweep: {
        running: view.running,
        rows: view.rows,
        budgetBytes: view.budgetBytes,
        metric,
        series,
      },
    });
  });

  const toggle = (m: ModelKind) =>
    onChange((s) => ({
      ...s,
      models: s.models.includes(m)
        ? s.models.filter((x) => x !== m)
        : MODEL_KINDS.filter((k) => k === m || s.models.includes(k)),
    }));

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="sweep-panel">
      <h2 id={`${id}-title`}>Depth sweep</h2>
      <p className="hint">
        One training step per model and depth on a fresh device, with this configuration’s dataset,
        channels, groups and budget.
      </p>
      {controls && (
        <div className="sweep-controls">
          <fieldset className="inline" disabled={view.running}>
            <legend>Models</legend>
            {MODEL_KINDS.map((m) => (
              <label key={m} className="check">
                <input
                  type="checkbox"
                  checked={sweep.models.includes(m)}
                  onChange={() => toggle(m)}
                  data-testid={`sweep-model-${m}`}
                />
                {m}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-depths`}>Depths</label>
            <input
              id={`${id}-depths`}
              value={depthText}
              disabled={view.running}
              aria-invalid={!depthsOk}
              data-testid="sweep-depths"
              onChange={(e) => {
                setDepthText(e.target.value);
                const d = parseDepths(e.target.value);
                if (d) onChange((s) => ({ ...s, depths: d }));
              }}
            />
          </div>
        </div>
      )}
      <div className="button-row">
        {!view.running ? (
          <button
            type="button"
            className="primary"
            disabled={!client || blocked || problems.length > 0}
            onClick={() => void start(sweepSpec(cfg, sweep))}
            data-testid="sweep-start"
          >
            Run sweep
          </button>
        ) : (
          <button type="button" onClick={stop} data-testid="sweep-stop">
            Stop sweep
          </button>
        )}
        <span role="status" aria-live="polite" className="muted" data-testid="sweep-status">
          {view.running
            ? (view.loading ?? `Measuring ${view.done + 1} of ${view.total}…`)
            : view.rows.length
              ? `${view.rows.length} points${ooms ? `, ${ooms} out of memory` : ''}${view.budgetBytes ? ` (budget ${formatBytes(view.budgetBytes)})` : ''}.`
              : ''}
        </span>
        {blocked && !view.running && <span className="muted">The engine is busy with a run.</span>}
      </div>
      {problems.length > 0 && controls && (
        <ul className="problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {view.error && (
        <p className="field-problem" role="alert">
          {view.error}
        </p>
      )}
      <ChartFrame
        title="Peak memory against depth"
        testId="sweep-chart"
        points={view.rows.length}
        height={300}
        extraData={{ oom: ooms, metric }}
        summary={
          view.rows.length
            ? `${view.rows.length} measured points`
            : 'Run the sweep to see memory grow with depth for res and stay flat for rev.'
        }
        actions={
          <span className="toggle" role="group" aria-label="What to plot">
            {(['activations', 'total'] as const).map((m) => (
              <button
                key={m}
                type="button"
                className="small"
                aria-pressed={metric === m}
                onClick={() => setMetric(m)}
              >
                {m === 'activations' ? 'activations' : 'everything'}
              </button>
            ))}
          </span>
        }
      >
        <DepthSweepChart series={series} metric={metric} budgetBytes={view.budgetBytes} />
      </ChartFrame>
      <SweepExplain />
      {view.rows.length > 0 && (
        <table className="data-table" data-testid="sweep-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Depth</th>
              <th scope="col">Result</th>
              <th scope="col">Peak in use</th>
              <th scope="col">Activations</th>
              <th scope="col">Parameters</th>
              <th scope="col">Step</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r) => (
              <tr
                key={`${r.model}-${r.layers}`}
                className={r.status === 'ok' ? '' : 'bad'}
                title={r.message}
              >
                <td>{r.model}</td>
                <td>{r.layers}</td>
                <td>{STATUS_WORDS[r.status]}</td>
                <td>{r.status === 'ok' ? formatBytes(r.peakBytes) : '–'}</td>
                <td>{r.status === 'ok' ? formatBytes(r.activationBytes) : '–'}</td>
                <td>{r.status === 'ok' ? r.params.toLocaleString() : '–'}</td>
                <td>{r.status === 'ok' ? `${Math.round(r.ms)} ms` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
