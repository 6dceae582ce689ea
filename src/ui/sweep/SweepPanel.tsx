// The depth sweep: which models, which depths, run it, and what each point measured — and, when
// the depth slider moves after a sweep, what the measured slope predicts at the new depth.
import { useEffect, useId, useState } from 'react';
import { MODEL_KINDS, type ModelKind } from '../../models/config';
import { formatBytes } from '../../util/format';
import type { Annotation } from '../charts/annotations';
import { ChartFrame } from '../charts/ChartFrame';
import { publishDebug } from '../debug';
import { SweepExplain } from '../learn/explanations';
import { sweepProblems, sweepSpec, type RunConfig, type SweepConfig } from '../state/run-config';
import { parseDepths } from '../state/url-state';
import { DepthSweepChart } from './DepthSweepChart';
import { predictedPoints, type Prediction } from './predict';
import { sweepLegend, sweepSeries, type SweepMetric } from './sweep-series';
import { SweepTable } from './SweepTable';
import type { Sweep } from './use-sweep';

interface Props {
  sweep: Sweep;
  /** The engine can take a job now. */
  ready: boolean;
  cfg: RunConfig;
  sweepCfg: SweepConfig;
  onChange(fn: (s: SweepConfig) => SweepConfig): void;
  /** Another job holds the engine. */
  blocked: boolean;
  controls: boolean;
  metric: SweepMetric;
  onMetric(m: SweepMetric): void;
  /** Predicted points at the depth the slider shows (empty: none). */
  predictions: Prediction[];
  annotations?: Annotation[];
}

export function SweepPanel({
  sweep: handle,
  ready,
  cfg,
  sweepCfg: sweep,
  onChange,
  blocked,
  controls,
  metric,
  onMetric: setMetric,
  predictions,
  annotations,
}: Props) {
  const id = useId();
  const { view, start, stop } = handle;
  // The field's text is the source while a person types; a list set from elsewhere (the tour,
  // the address) replaces the text when it says something else.
  const [depthText, setDepthText] = useState(sweep.depths.join(', '));
  const [seen, setSeen] = useState(sweep.depths);
  if (seen !== sweep.depths) {
    setSeen(sweep.depths);
    if (String(parseDepths(depthText)) !== String(sweep.depths))
      setDepthText(sweep.depths.join(', '));
  }
  const depthsOk = parseDepths(depthText) !== null;
  const problems = [
    ...sweepProblems(cfg, sweep).map((p) => p.text),
    ...(depthsOk ? [] : ['Depths: whole numbers ≥ 1, separated by commas.']),
  ];
  const series = sweepSeries(view.rows, metric, view.budgetBytes, predictedPoints(predictions));
  const ooms = view.rows.filter((r) => r.status === 'oom').length;

  useEffect(() => {
    publishDebug({
      sweep: {
        running: view.running,
        rows: view.rows,
        budgetBytes: view.budgetBytes,
        metric,
        series,
        predictions,
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
            disabled={!ready || blocked || problems.length > 0}
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
      {(view.error || handle.problem) && (
        <p className="field-problem" role="alert">
          {view.error ?? handle.problem}
        </p>
      )}
      <ChartFrame
        title="Peak memory against depth"
        testId="sweep-chart"
        points={view.rows.length}
        height={300}
        extraData={{ oom: ooms, metric, predicted: predictions.length }}
        legend={sweepLegend(
          series,
          metric === 'total' && view.budgetBytes !== null,
          predictions.length > 0,
        )}
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
        <DepthSweepChart
          series={series}
          metric={metric}
          budgetBytes={view.budgetBytes}
          predictions={predictions}
          annotations={annotations}
        />
      </ChartFrame>
      <SweepExplain />
      {view.rows.length > 0 && <SweepTable rows={view.rows} spec={view.spec} at={view.at} />}
    </section>
  );
}
