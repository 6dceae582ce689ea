// A labelled choice among words, with its problems beneath it.
import { useId } from 'react';

export function Select<T extends string>(p: {
  label: string;
  value: T;
  options: readonly T[];
  words?: Record<string, string>;
  onChange(v: T): void;
  problems?: string[];
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{p.label}</label>
      <select
        id={id}
        value={p.value}
        data-testid={p.testId}
        aria-invalid={!!p.problems?.length}
        onChange={(e) => p.onChange(e.target.value as T)}
      >
        {p.options.map((o) => (
          <option key={o} value={o}>
            {p.words?.[o] ?? o}
          </option>
        ))}
      </select>
      {!!p.problems?.length && (
        <div className="field-problem" role="alert">
          {p.problems.join(' ')}
        </div>
      )}
    </div>
  );
}
