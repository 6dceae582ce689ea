// The block, live: the reversible coupling (and the residual block beside it, for contrast) at
// one moment of a measured training step. Scrubbing (or hovering the timeline chart) moves the
// moment; Play walks through the step. Without a measurement it plays the schematic of one block.
import { useEffect, useMemo, useState } from 'react';
import { isReversible, type ModelKind } from '../../models/config';
import { formatBytes } from '../../util/format';
import type { TimelineSeries } from '../../worker/protocol';
import { momentAt, schematic, stops, type Moment } from './moment';
import { ResDiagram } from './ResDiagram';
import { describe, RevDiagram } from './RevDiagram';

const STEP_MS = 320;
const SCRUB_MAX = 1000;

interface Props {
  series: TimelineSeries[];
  /** Position in the step, 0..1. */
  position: number;
  onPosition(x: number): void;
  /** The page's configuration, for the schematic when nothing was measured. */
  model: ModelKind;
  groups: number;
  layers: number;
}

type Kind = 'rev' | 'res';
const kindOf = (model: string): Kind | null =>
  isReversible(model as ModelKind) ? 'rev' : model === 'res' || model === 'res-ckpt' ? 'res' : null;

/** The latest measured series of each kind: rev first, then res. */
function shownSeries(series: TimelineSeries[]): TimelineSeries[] {
  const out: TimelineSeries[] = [];
  for (const k of ['rev', 'res'] as const) {
    const t = series.findLast((s) => kindOf(s.model) === k);
    if (t) out.push(t);
  }
  return out;
}

export function BlockView({ series, position, onPosition, model, groups, layers }: Props) {
  const shown = useMemo(() => shownSeries(series), [series]);
  const [playing, setPlaying] = useState(false);
  const [beat, setBeat] = useState(0);
  const measured = shown.length > 0;
  const schematicKind: Kind = kindOf(model) ?? 'rev';
  const plan = useMemo(
    () =>
      measured ? stops(shown[0]) : schematic(schematicKind, Math.max(2, groups)).map((_, i) => i),
    [measured, shown, schematicKind, groups],
  );

  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => {
      setBeat((b) => {
        const next = b + 1;
        if (next >= plan.length) {
          setPlaying(false);
          return b;
        }
        if (measured) onPosition(plan[next]);
        return next;
      });
    }, STEP_MS);
    return () => clearInterval(id);
  }, [playing, plan, measured, onPosition]);

  const play = () => {
    if (playing) return setPlaying(false);
    // Start over when at the end, else go on from here.
    const from = measured
      ? Math.max(
          0,
          plan.findLastIndex((x) => x <= position),
        )
      : beat;
    const start = from >= plan.length - 1 ? 0 : from;
    setBeat(start);
    if (measured) onPosition(plan[start]);
    setPlaying(true);
  };

  const schematicMoment: Moment = schematic(schematicKind, Math.max(2, groups))[
    Math.min(beat, plan.length - 1)
  ];

  return (
    <section className="panel block-view" aria-labelledby="block-title" data-testid="block-view">
      <h2 id="block-title">The block, live</h2>
      <p className="hint">
        {measured
          ? 'At the moment the step timeline points to (hover it, or move the slider): which layer, which part of the block, and what is in GPU memory.'
          : 'Measure one step (above) to drive this picture with a real step; until then it plays one block.'}
      </p>
      <div className="button-row">
        {measured && (
          <label className="scrub">
            <span>Moment of the step</span>
            <input
              type="range"
              min={0}
              max={SCRUB_MAX}
              value={Math.round(position * SCRUB_MAX)}
              onChange={(e) => onPosition(Number(e.target.value) / SCRUB_MAX)}
              aria-valuetext={`${Math.round(position * 100)} % of the step`}
              data-testid="timeline-scrub"
            />
          </label>
        )}
        <button type="button" className="small" onClick={play} data-testid="diagram-play">
          {playing ? 'Pause' : measured ? 'Play the step' : 'Play one block'}
        </button>
      </div>
      <div className="diagram-grid">
        {measured
          ? shown.map((t) => {
              const m = momentAt(t, position);
              return m ? (
                <Diagram key={t.label} series={t} moment={m} fallbackGroups={groups} />
              ) : null;
            })
          : [
              <figure key="schematic" className="diagram" data-testid="diagram-schematic">
                <figcaption>
                  {schematicKind === 'rev'
                    ? `One reversible block, C = ${Math.max(2, groups)}`
                    : 'One residual block'}{' '}
                  <span className="muted">(schematic — measure one step to drive it)</span>
                </figcaption>
                {schematicKind === 'rev' ? (
                  <RevDiagram
                    groups={Math.max(2, groups)}
                    layers={layers}
                    moment={schematicMoment}
                  />
                ) : (
                  <ResDiagram
                    layers={layers}
                    checkpoint={model === 'res-ckpt'}
                    moment={schematicMoment}
                  />
                )}
                <p className="diagram-readout">{describe(schematicMoment, schematicKind)}</p>
              </figure>,
            ]}
      </div>
      <p className="diagram-key muted">
        <span className="key alive" /> alive in GPU memory <span className="key absent" /> not in
        memory <span className="key active" /> being computed now · f at work:{' '}
        <span className="mode forward">forward</span> <span className="mode inverse">inverse</span>{' '}
        <span className="mode grad">gradient</span>
      </p>
    </section>
  );
}

function Diagram({
  series,
  moment,
  fallbackGroups,
}: {
  series: TimelineSeries;
  moment: Moment;
  fallbackGroups: number;
}) {
  const kind = kindOf(series.model)!;
  const groups = series.groups ?? fallbackGroups;
  return (
    <figure className="diagram" data-testid={`diagram-${kind}`}>
      <figcaption>
        {series.model} · {series.layers} layers{kind === 'rev' ? `, C = ${groups}` : ''}
      </figcaption>
      {kind === 'rev' ? (
        <RevDiagram groups={Math.max(2, groups)} layers={series.layers} moment={moment} />
      ) : (
        <ResDiagram
          layers={series.layers}
          checkpoint={series.model === 'res-ckpt'}
          moment={moment}
        />
      )}
      <p className="diagram-readout" data-testid={`diagram-readout-${kind}`}>
        At {Math.round(moment.x * 100)} % of the step — {describe(moment, kind)}:{' '}
        <strong>{formatBytes(moment.bytes ?? 0)}</strong> in use (measured)
      </p>
    </figure>
  );
}
