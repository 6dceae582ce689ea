// Under the depth slider, once a sweep has measured some depths: what res and rev would need at
// the depth the slider shows, from the measured per-layer slope — a prediction, and said so.
import { formatBytes } from '../../util/format';
import type { Prediction } from './predict';

interface Props {
  predictions: Prediction[];
  /** Why the last sweep cannot predict for these settings (null: it can). */
  mismatch: string | null;
  budgetBytes: number | null;
}

export function DepthPrediction({ predictions, mismatch, budgetBytes }: Props) {
  if (mismatch)
    return (
      <p className="hint" data-testid="depth-prediction">
        {mismatch}
      </p>
    );
  if (!predictions.length) return null;
  const layers = predictions[0].layers;
  return (
    <div className="prediction" data-testid="depth-prediction" aria-live="polite">
      <strong>Predicted</strong> peak at {layers.toLocaleString()} layers, from the sweep’s measured
      slope (not measured):
      <ul>
        {predictions.map((p) => (
          <li key={p.model} data-model={p.model} data-over={p.overBudget}>
            {p.model} ≈ {formatBytes(p.bytes)}{' '}
            <span className="muted">
              ({p.perLayer > 0 ? `+${formatBytes(p.perLayer)} a layer` : 'flat'})
            </span>
            {p.overBudget && budgetBytes !== null && (
              <strong className="over"> past the {formatBytes(budgetBytes)} budget</strong>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
