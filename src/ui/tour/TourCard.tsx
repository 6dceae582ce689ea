// The tour's card: which step, a few sentences, and buttons to run, skip, go back or stop. It
// stays out of the way (beside the page, not over it as a modal): the page remains usable, and
// what a step leaves on the charts can be explored before moving on.
import { useEffect, useState } from 'react';
import type { Tour } from './use-tour';

interface Props {
  tour: Tour;
  /** The engine can take a job now. */
  canRun: boolean;
}

export function TourCard({ tour, canRun }: Props) {
  const { step, current, total, running, result } = tour;
  const focus = current?.focus;
  const [small, setSmall] = useState(false);

  // Bring the step's chart into view when the step opens and when its result arrives.
  useEffect(() => {
    if (!focus) return;
    document
      .querySelector(`[data-testid="${focus}"]`)
      ?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [focus, result]);

  if (step === null || !current) return null;
  const last = step === total;
  if (small)
    return (
      <aside
        className="tour-card minimized"
        data-testid="tour"
        data-step={step}
        data-running={running}
      >
        <button type="button" className="small" onClick={() => setSmall(false)}>
          Tour · step {step} of {total}: {current.title} — show
        </button>
      </aside>
    );
  return (
    <aside
      className="tour-card"
      aria-labelledby="tour-title"
      data-testid="tour"
      data-step={step}
      data-running={running}
      data-done={result !== null}
    >
      <div className="tour-head">
        <span className="muted">
          Tour · step {step} of {total}
        </span>
        <span className="button-row">
          <button
            type="button"
            className="small"
            onClick={() => setSmall(true)}
            aria-label="Make the tour small"
            title="Make the tour small"
          >
            –
          </button>
          <button
            type="button"
            className="small"
            onClick={() => tour.go(null)}
            aria-label="End the tour"
            title="End the tour"
          >
            ×
          </button>
        </span>
      </div>
      <h2 id="tour-title">{current.title}</h2>
      <p>{current.text}</p>
      <p role="status" aria-live="polite" className="tour-result" data-testid="tour-result">
        {running ? 'Running…' : (result ?? '')}
      </p>
      <div className="button-row">
        <button
          type="button"
          className={result ? '' : 'primary'}
          disabled={running || !canRun}
          onClick={() => void tour.run()}
          data-testid="tour-run"
        >
          {running ? 'Running…' : result ? 'Run again' : 'Run this step'}
        </button>
        <button
          type="button"
          className={result ? 'primary' : ''}
          disabled={running}
          onClick={() => tour.go(last ? null : step + 1)}
          data-testid="tour-next"
        >
          {last ? 'Finish' : result ? 'Next' : 'Skip'}
        </button>
        {step > 1 && (
          <button type="button" disabled={running} onClick={() => tour.go(step - 1)}>
            Back
          </button>
        )}
      </div>
      <ol className="tour-dots" aria-label="Steps">
        {Array.from({ length: total }, (_, i) => (
          <li key={i} aria-current={i + 1 === step ? 'step' : undefined}>
            <button
              type="button"
              className="dot"
              disabled={running}
              onClick={() => tour.go(i + 1)}
              aria-label={`Go to step ${i + 1}`}
            />
          </li>
        ))}
      </ol>
    </aside>
  );
}
