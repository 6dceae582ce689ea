// The tour's state: the step lives in the page state (so in the address: a teacher can link to
// step 3); entering a step sets its configuration; running it plays the step's actions and
// keeps the sentence it reports.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { TOUR_STEPS, type TourActions, type TourStep } from './steps';

export interface Tour {
  /** The open step (from 1), or null. */
  step: number | null;
  current: TourStep | null;
  total: number;
  running: boolean;
  /** What running the step reported (null: not run in this visit). */
  result: string | null;
  start(): void;
  go(step: number | null): void;
  run(): Promise<void>;
}

export function clampStep(step: number | null): number | null {
  return step === null ? null : Math.min(Math.max(1, step), TOUR_STEPS.length);
}

export function useTour(
  step: number | null,
  setStep: (step: number | null) => void,
  apply: (s: TourStep) => void,
  actions: TourActions,
): Tour {
  const at = clampStep(step);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<Record<number, string>>({});
  const act = useRef(actions);
  useLayoutEffect(() => {
    act.current = actions;
  });
  const applied = useRef<number | null>(null);

  // Entering a step (by a button or by the address) sets up its configuration, once.
  useEffect(() => {
    if (at === null) {
      applied.current = null;
      return;
    }
    if (applied.current === at) return;
    applied.current = at;
    apply(TOUR_STEPS[at - 1]);
  }, [at, apply]);

  const run = useCallback(async () => {
    if (at === null || running) return;
    setRunning(true);
    try {
      const said = await TOUR_STEPS[at - 1].play(act.current);
      setResults((r) => ({ ...r, [at]: said }));
    } catch (e) {
      setResults((r) => ({
        ...r,
        [at]: `The step stopped: ${e instanceof Error ? e.message : e}`,
      }));
    } finally {
      setRunning(false);
    }
  }, [at, running]);

  return {
    step: at,
    current: at === null ? null : TOUR_STEPS[at - 1],
    total: TOUR_STEPS.length,
    running,
    result: at === null ? null : (results[at] ?? null),
    start: useCallback(() => setStep(1), [setStep]),
    go: useCallback((s: number | null) => setStep(clampStep(s)), [setStep]),
    run,
  };
}
