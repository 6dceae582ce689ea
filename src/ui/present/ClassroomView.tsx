// The view for a projector: the two charts that tell the story — memory against depth and memory
// through one step — side by side in large type, the block at the moment the timeline points to,
// and no controls. What it shows is what the studio measured last (kept across reloads).
import type { ReactNode } from 'react';
import type { TimelineSeries } from '../../worker/protocol';
import { ChartFrame } from '../charts/ChartFrame';
import { BlockView } from '../diagram/BlockView';
import { StepChart } from '../memory/StepChart';
import type { RunConfig } from '../state/run-config';
import { DepthSweepChart } from '../sweep/DepthSweepChart';
import { sweepLegend, sweepSeries, type SweepMetric } from '../sweep/sweep-series';
import type { SweepView } from '../sweep/use-sweep';
import type { TourNotes } from '../tour/annotate';

interface Props {
  sweep: SweepView;
  metric: SweepMetric;
  timelines: TimelineSeries[];
  cfg: RunConfig;
  notes: TourNotes;
  studioHref: string;
  tour: ReactNode;
  position: number;
  onPosition(x: number): void;
}

export function ClassroomView({
  sweep,
  metric,
  timelines,
  cfg,
  notes,
  studioHref,
  tour,
  position,
  onPosition: setPosition,
}: Props) {
  const series = sweepSeries(sweep.rows, metric, sweep.budgetBytes);
  return (
    <div className="app present" data-testid="classroom">
      <header className="present-head">
        <h1>Why 1000 layers fit in memory</h1>
        <a href={studioHref} data-testid="studio-link">
          Back to the studio
        </a>
      </header>
      <div className="present-grid">
        <ChartFrame
          title="Peak memory against depth"
          testId="sweep-chart"
          points={sweep.rows.length}
          height={440}
          legend={sweepLegend(series, metric === 'total' && sweep.budgetBytes !== null, false)}
          summary={
            sweep.rows.length
              ? `${sweep.rows.length} measured points`
              : 'No depth sweep yet: run one in the studio (or the tour’s step 3).'
          }
        >
          <DepthSweepChart
            series={series}
            metric={metric}
            budgetBytes={sweep.budgetBytes}
            annotations={notes.sweep}
          />
        </ChartFrame>
        <StepChart
          series={timelines}
          position={position}
          onPosition={setPosition}
          annotations={notes.timeline}
          height={440}
          empty="No step measured yet: measure one in the studio (or the tour’s step 4)."
        />
      </div>
      <BlockView
        series={timelines}
        position={position}
        onPosition={setPosition}
        model={cfg.model.model}
        groups={cfg.model.groups}
        layers={cfg.model.layers}
      />
      {tour}
    </div>
  );
}
