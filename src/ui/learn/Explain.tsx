// A short explanation beside a control, closed until asked for (details/summary: keyboard and
// screen-reader friendly without any script).
import type { ReactNode } from 'react';

export function Explain({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="explain">
      <summary>{title}</summary>
      <div className="explain-body">{children}</div>
    </details>
  );
}
