// The step timeline chart in its frame: the measured series, the cursor at the moment being looked
// at (hovering the plot moves it), and notes pinned on it. The studio and the classroom view
// both show it.
import type { TimelineSeries } from '../../worker/protocol';
import type { Annotation } from '../charts/annotations';
import { ChartFrame } from '../charts/ChartFrame';
import { MemoryTimelineChart, timelineLegend } from './MemoryTimelineChart';

interface Props {
  series: TimelineSeries[];
  position: number;
  onPosition(x: number): void;
  annotations?: Annotation[];
  height: number;
  /** What the empty chart says. */
  empty: string;
}

export function StepChart({ series, position, onPosition, annotations, height, empty }: Props) {
  const last = series.at(-1);
  return (
    <ChartFrame
      title="Memory through one step"
      testId="timeline-chart"
      points={last?.points.length ?? 0}
      height={height}
      legend={timelineLegend(series)}
      extraData={{ series: series.length }}
      onHoverX={series.length ? onPosition : undefined}
      summary={
        last
          ? `${last.label}: from ${Math.round(last.startBytes / 1024)} KiB to a peak of ${Math.round(last.peakBytes / 1024)} KiB over ${last.events} allocations`
          : empty
      }
    >
      <MemoryTimelineChart
        series={series}
        cursor={series.length ? position : null}
        annotations={annotations}
      />
    </ChartFrame>
  );
}
