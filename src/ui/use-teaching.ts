// The page's teaching state, from what the studio holds: the guided tour (its step in the page
// state, its actions on the run, the sweep and the step timelines, its notes on the charts) and
// what the last sweep predicts at the depth the slider shows.
import { useCallback } from 'react';
import type { History } from './history/use-history';
import type { Timelines } from './memory/use-timelines';
import type { RunHandle } from './run/use-run';
import type { PageState } from './state/url-state';
import { predictAt, predictedPoints, sweepMismatch, type Prediction } from './sweep/predict';
import { sweepSeries, type SweepMetric } from './sweep/sweep-series';
import type { Sweep } from './sweep/use-sweep';
import { tourNotes, type TourNotes } from './tour/annotate';
import type { TourActions, TourStep } from './tour/steps';
import { useTour, type Tour } from './tour/use-tour';

interface Studio {
  state: PageState;
  update(fn: (s: PageState) => PageState): void;
  run: RunHandle;
  history: History;
  sweep: Sweep;
  timelines: Timelines;
  /** Points the step timeline's moment somewhere (0..1). */
  look(position: number): void;
  sweepMetric: SweepMetric;
}

export interface Teaching {
  tour: Tour;
  notes: TourNotes;
  /** At the slider's depth: peak in use (under the slider) and the chart's metric (on it). */
  predicted: { total: Prediction[]; chart: Prediction[] };
  /** Why the last sweep predicts nothing for these settings (null: it does, or there is none). */
  mismatch: string | null;
}

export function useTeaching(s: Studio): Teaching {
  const { state, update, run, history, sweep, timelines, sweepMetric } = s;
  const cfg = state.run;
  const actions: TourActions = {
    train: (c) => run.start(c, false),
    overlay: history.showOnly,
    sweep: sweep.start,
    capture: timelines.capture,
    clearTimelines: timelines.clear,
    show: (c) => update((p) => ({ ...p, run: c })),
    look: s.look,
  };
  const apply = useCallback(
    (step: TourStep) => update((p) => ({ ...p, run: step.run, sweep: step.sweep ?? p.sweep })),
    [update],
  );
  const setTour = useCallback((t: number | null) => update((p) => ({ ...p, tour: t })), [update]);
  const tour = useTour(state.tour, setTour, apply, actions);

  // A sweep predicts once the depth has moved away from the one it was run with.
  const sv = sweep.view;
  const mismatch = sv.spec && sv.rows.length && !sv.running ? sweepMismatch(sv.spec, cfg) : null;
  const moved = !!sv.spec && !sv.running && cfg.model.layers !== sv.spec.base.layers && !mismatch;
  const at = (metric: SweepMetric) =>
    moved ? predictAt(sv.rows, cfg.model.layers, metric, sv.budgetBytes) : [];
  const chart = at(sweepMetric);

  const view = run.view;
  const notes = tour.step
    ? tourNotes(tour.step, {
        current: view.config
          ? {
              model: view.config.model.model,
              layers: view.config.model.layers,
              epochs: view.epochs,
              peakBytes: view.peakBytes,
            }
          : null,
        sweep: sweepSeries(sv.rows, sweepMetric, sv.budgetBytes, predictedPoints(chart)),
        timelines: timelines.series,
      })
    : {};
  return { tour, notes, predicted: { total: at('total'), chart }, mismatch };
}
