// One training step's memory, phase by phase: captured from the running job, or measured on a
// fresh device for the current configuration — res and rev side by side tell the whole story.
// Hovering the chart points at a moment of the step (its cursor), which the block diagram shows.
import { useEffect } from 'react';
import type { Annotation } from '../charts/annotations';
import { publishDebug } from '../debug';
import { TimelineExplain } from '../learn/explanations';
import type { RunConfig } from '../state/run-config';
import { StepChart } from './StepChart';
import type { Timelines } from './use-timelines';

interface Props {
  timelines: Timelines;
  cfg: RunConfig;
  /** The engine can take a measurement now. */
  ready: boolean;
  blocked: boolean;
  canRun: boolean;
  annotations?: Annotation[];
  /** The moment of the step being looked at (0..1): the chart's cursor and the block's moment. */
  position: number;
  onPosition(x: number): void;
}

export function TimelinePanel({
  timelines,
  cfg,
  ready,
  blocked,
  canRun,
  annotations,
  position,
  onPosition,
}: Props) {
  const { series, busy, problem } = timelines;

  useEffect(() => {
    publishDebug({
      timelines: series.map((t) => ({
        label: t.label,
        model: t.model,
        layers: t.layers,
        groups: t.groups,
        peakBytes: t.peakBytes,
        startBytes: t.startBytes,
        points: t.points,
        segments: t.segments,
      })),
    });
  }, [series]);

  return (
    <section className="panel" aria-labelledby="timeline-title" data-testid="timeline-panel">
      <h2 id="timeline-title">One training step</h2>
      <div className="button-row">
        <button
          type="button"
          disabled={!ready || busy || blocked || !canRun}
          onClick={() => void timelines.capture(cfg)}
          data-testid="capture-step"
        >
          {busy ? 'Measuring…' : 'Measure one step of this configuration'}
        </button>
        {series.length > 0 && (
          <button type="button" className="small" onClick={timelines.clear}>
            Clear
          </button>
        )}
      </div>
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      <StepChart
        series={series}
        position={position}
        onPosition={onPosition}
        annotations={annotations}
        height={260}
        empty="Train, or measure one step, to see the bytes in use rise and fall through the forward and backward passes."
      />
      <TimelineExplain />
    </section>
  );
}
