// The training charts: loss, metric, time per epoch, and — where the model has them — the
// reversible reconstruction error and the DEQ solver's iterations and residuals.
import { useEffect } from 'react';
import { publishDebug } from '../debug';
import type { RunRecord } from '../state/history-store';
import type { Annotation } from './annotations';
import { ChartFrame } from './ChartFrame';
import { CurveChart } from './CurveChart';
import {
  metricCurves,
  pointCount,
  shownRuns,
  simpleCurves,
  solverCurves,
  type CurrentRun,
} from './series';

export type RunChartName = 'loss' | 'metric' | 'time';

interface Props {
  current: CurrentRun | null;
  metric: 'accuracy' | 'rocauc';
  overlays: RunRecord[];
  /** Notes pinned on the charts (the tour's). */
  annotations?: Partial<Record<RunChartName, Annotation[]>>;
}

const pct = (v: number) => {
  const p = 100 * v;
  return `${Number.isInteger(Math.round(p * 1e6) / 1e6) ? Math.round(p) : p.toFixed(1)} %`;
};
const ms = (v: number) =>
  v === 0 ? '0' : v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;

export function RunCharts({ current, metric, overlays, annotations = {} }: Props) {
  const runs = shownRuns(current, overlays);
  const { curves: loss, legend: lossLegend } = simpleCurves(runs, (e) => e.loss);
  const { curves: metrics, legend: metricLegend } = metricCurves(runs);
  const { curves: time, legend: timeLegend } = simpleCurves(runs, (e) => e.ms);
  const reconLines = simpleCurves(runs, (e) => e.reconstruction);
  const recon = reconLines.curves.filter((c) => c.points.length);
  const { curves: iters, legend: itersLegend } = solverCurves(runs, 'iterations');
  const { curves: resid, legend: residLegend } = solverCurves(runs, 'residual');
  const metricName = metric === 'rocauc' ? 'ROC-AUC' : 'accuracy';
  const main = current ? 0 : -1;

  useEffect(() => {
    publishDebug({
      charts: {
        runs: runs.map((r) => ({ id: r.id, name: r.name, color: r.color, current: r.current })),
        metricLines: metrics.map((c) => ({ id: c.id, color: c.color, dash: c.dash ?? null })),
        loss: loss[0]?.points ?? [],
        metric: Object.fromEntries(
          metrics.filter((c) => c.id.startsWith('current-')).map((c) => [c.id.slice(8), c.points]),
        ),
        time: time[0]?.points ?? [],
      },
    });
  });

  const lossPoints = main === 0 ? pointCount(loss[0]) : 0;
  return (
    <div className="chart-grid">
      <ChartFrame
        title="Training loss"
        testId="loss-chart"
        points={lossPoints}
        legend={lossLegend}
        summary={
          lossPoints
            ? `${lossPoints} epochs, last loss ${loss[0].points.at(-1)!.y.toFixed(4)}`
            : 'The loss of each epoch appears here as the run trains.'
        }
      >
        <CurveChart curves={loss} xLabel="epoch" yLabel="loss" annotations={annotations.loss} />
      </ChartFrame>
      <ChartFrame
        title={`Train / valid / test ${metricName}`}
        testId="metric-chart"
        points={main === 0 ? pointCount(metrics[2]) : 0}
        legend={metricLegend}
        summary={
          main === 0 && pointCount(metrics[2])
            ? `test ${metricName} ${pct(metrics[2].points.at(-1)!.y)}`
            : `The ${metricName} on each split after every epoch.`
        }
      >
        <CurveChart
          curves={metrics}
          xLabel="epoch"
          yLabel={metricName}
          yFormat={pct}
          annotations={annotations.metric}
        />
      </ChartFrame>
      <ChartFrame
        title="Time per epoch"
        testId="time-chart"
        points={main === 0 ? pointCount(time[0]) : 0}
        legend={timeLegend}
        note="Each point: one epoch's wall time (its training steps and the evaluation), time paused left out."
        summary="Wall time of each epoch: its training steps and the evaluation."
      >
        <CurveChart
          curves={time}
          xLabel="epoch"
          yLabel="time"
          yFormat={ms}
          yDomain={[0, 'auto']}
          annotations={annotations.time}
        />
      </ChartFrame>
      {recon.length > 0 && (
        <ChartFrame
          title="Reconstruction error (reversible)"
          testId="reconstruction-chart"
          points={recon[0]?.points.length ?? 0}
          legend={reconLines.legend.filter((l) => recon.some((c) => c.name === l.name))}
          summary="‖x̂ − x‖ / ‖x‖: how exactly the inverse rebuilt the first layer’s input through every layer, in float32."
        >
          <CurveChart
            curves={recon}
            xLabel="epoch"
            yLabel="relative error"
            yScale="log"
            yFormat={(v) => v.toExponential(0)}
          />
        </ChartFrame>
      )}
      {iters.length > 0 && (
        <ChartFrame
          title="Solver iterations (DEQ)"
          testId="solver-iterations-chart"
          points={iters[0].points.length}
          legend={itersLegend}
          summary="Mean fixed-point iterations per step, forward and backward (adjoint) solves."
        >
          <CurveChart curves={iters} xLabel="epoch" yLabel="iterations" />
        </ChartFrame>
      )}
      {resid.length > 0 && (
        <ChartFrame
          title="Solver residuals (DEQ)"
          testId="solver-residual-chart"
          points={resid[0].points.length}
          legend={residLegend}
          summary="Worst final relative residual of each epoch's solves."
        >
          <CurveChart
            curves={resid}
            xLabel="epoch"
            yLabel="residual"
            yScale="log"
            yFormat={(v) => v.toExponential(0)}
          />
        </ChartFrame>
      )}
    </div>
  );
}
