// One training step's memory, phase by phase: captured from the running job, or measured on a
// fresh device for the current configuration — res and rev side by side tell the whole story.
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../worker/client';
import { Comlink } from '../../worker/client';
import type { TimelineSeries } from '../../worker/protocol';
import { ChartFrame } from '../charts/ChartFrame';
import { publishDebug } from '../debug';
import { TimelineExplain } from '../learn/explanations';
import { runSpec, type RunConfig } from '../state/run-config';
import { MemoryTimelineChart } from './MemoryTimelineChart';

interface Props {
  client: EngineClient | null;
  cfg: RunConfig;
  series: TimelineSeries[];
  onCapture(t: TimelineSeries): void;
  onClear(): void;
  blocked: boolean;
  canRun: boolean;
  onBusy(busy: boolean): void;
}

export function TimelinePanel({
  client,
  cfg,
  series,
  onCapture,
  onClear,
  blocked,
  canRun,
  onBusy,
}: Props) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const last = series.at(-1);

  useEffect(() => {
    publishDebug({
      timelines: series.map((t) => ({
        label: t.label,
        model: t.model,
        layers: t.layers,
        peakBytes: t.peakBytes,
        startBytes: t.startBytes,
        points: t.points,
        segments: t.segments,
      })),
    });
  }, [series]);

  const capture = async () => {
    if (!client) return;
    setBusy(true);
    onBusy(true);
    setProblem(null);
    try {
      const r = await client.captureStep(runSpec(cfg), Comlink.proxy({ loading: () => undefined }));
      if (r.ok) onCapture(r.series);
      else setProblem(r.status === 'oom' ? `This step does not fit: ${r.message}` : r.message);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      onBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="timeline-title" data-testid="timeline-panel">
      <h2 id="timeline-title">One training step</h2>
      <div className="button-row">
        <button
          type="button"
          disabled={!client || busy || blocked || !canRun}
          onClick={() => void capture()}
          data-testid="capture-step"
        >
          {busy ? 'Measuring…' : 'Measure one step of this configuration'}
        </button>
        {series.length > 0 && (
          <button type="button" className="small" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      <ChartFrame
        title="Memory through one step"
        testId="timeline-chart"
        points={last?.points.length ?? 0}
        height={260}
        extraData={{ series: series.length }}
        summary={
          last
            ? `${last.label}: from ${Math.round(last.startBytes / 1024)} KiB to a peak of ${Math.round(last.peakBytes / 1024)} KiB over ${last.events} allocations`
            : 'Train, or measure one step, to see the bytes in use rise and fall through the forward and backward passes.'
        }
      >
        <MemoryTimelineChart series={series} />
      </ChartFrame>
      <TimelineExplain />
    </section>
  );
}
