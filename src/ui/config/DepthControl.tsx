// Depth on a log scale (1 … 2048 on the slider, where doubling is one even step) plus a number
// field for any depth, far past the slider.
import { useId, type ReactNode } from 'react';
import { MAX_DEPTH, MAX_DEPTH_SLIDER } from '../state/run-config';
import { NumberField } from './NumberField';

const MAX_EXP = Math.log2(MAX_DEPTH_SLIDER);

export function depthFromSlider(pos: number): number {
  return Math.max(1, Math.round(2 ** pos));
}

export function sliderFromDepth(depth: number): number {
  return Math.min(MAX_EXP, Math.max(0, Math.log2(Math.max(1, depth))));
}

interface Props {
  value: number;
  onChange(v: number): void;
  problems: string[];
  disabled?: boolean;
  /** What depth means for this model (deq: the solver's iteration cap). */
  label?: string;
  /** Under the slider: e.g. the memory a sweep predicts at this depth. */
  note?: ReactNode;
}

export function DepthControl({ value, onChange, problems, disabled, label, note }: Props) {
  const id = useId();
  return (
    <div className="depth-control">
      <label htmlFor={id} className="field-label">
        {label ?? 'Depth (layers)'}
      </label>
      <input
        id={id}
        type="range"
        min={0}
        max={MAX_EXP}
        step={0.125}
        value={sliderFromDepth(value)}
        disabled={disabled}
        aria-valuetext={`${value} layers`}
        data-testid="depth-slider"
        onChange={(e) => {
          const pos = Number(e.target.value);
          let next = depthFromSlider(pos);
          // Near 1 a slider step rounds back to the same depth: move by at least one layer, so
          // the arrow keys always change it.
          if (next === value)
            next = pos > sliderFromDepth(value) ? value + 1 : Math.max(1, value - 1);
          onChange(next);
        }}
      />
      <div className="ticks" aria-hidden="true">
        {[1, 8, 64, 512, 2048].map((d) => (
          <span key={d} style={{ left: `${(100 * Math.log2(d)) / MAX_EXP}%` }}>
            {d}
          </span>
        ))}
      </div>
      {note}
      <NumberField
        label="Layers"
        value={value}
        min={1}
        max={MAX_DEPTH}
        step={1}
        onChange={(v) => v !== null && onChange(v)}
        problems={problems}
        disabled={disabled}
        testId="depth-input"
      />
    </div>
  );
}
