// A labelled number input that lets a person type freely ("0.", "") and reports a number (or null
// where empty is allowed) only when the text is one; problems show beneath it and mark it invalid.
// A field that must hold a number and was emptied says which value still applies, and shows it
// again when the person moves on — it never keeps an old value silently.
import { useId, useState, type ReactNode } from 'react';

interface Props {
  label: ReactNode;
  value: number | null;
  onChange(v: number | null): void;
  min?: number;
  max?: number;
  step?: number | 'any';
  /** Empty text means null (e.g. "no budget"). */
  allowEmpty?: boolean;
  placeholder?: string;
  problems?: string[];
  hint?: ReactNode;
  disabled?: boolean;
  testId?: string;
  suffix?: string;
}

export function NumberField(p: Props) {
  const id = useId();
  const [text, setText] = useState(p.value === null ? '' : String(p.value));
  const [shown, setShown] = useState(p.value);
  if (p.value !== shown) {
    // The value changed from outside (the address, a loaded run): show it.
    setShown(p.value);
    setText(p.value === null ? '' : String(p.value));
  }
  const emptied = !p.allowEmpty && text.trim() === '' && p.value !== null;
  const problems = [
    ...(emptied ? [`Empty: type a number. Until then ${p.value} is used.`] : []),
    ...(p.problems ?? []),
  ];
  const describedBy = [problems.length ? `${id}-err` : '', p.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{p.label}</label>
      <div className="field-input">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          value={text}
          min={p.min}
          max={p.max}
          step={p.step ?? 'any'}
          placeholder={p.placeholder}
          disabled={p.disabled}
          aria-invalid={problems.length > 0}
          aria-describedby={describedBy || undefined}
          data-testid={p.testId}
          onBlur={() => {
            if (emptied) setText(String(p.value));
          }}
          onChange={(e) => {
            const t = e.target.value;
            setText(t);
            if (t.trim() === '') {
              if (p.allowEmpty) {
                setShown(null);
                p.onChange(null);
              }
              return;
            }
            const v = Number(t);
            if (Number.isFinite(v)) {
              setShown(v);
              p.onChange(v);
            }
          }}
        />
        {p.suffix && <span className="suffix">{p.suffix}</span>}
      </div>
      {p.hint && (
        <div id={`${id}-hint`} className="hint">
          {p.hint}
        </div>
      )}
      {problems.length > 0 && (
        <div id={`${id}-err`} className="field-problem" role="alert">
          {problems.join(' ')}
        </div>
      )}
    </div>
  );
}
