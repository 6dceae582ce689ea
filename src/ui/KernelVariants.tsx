// Which variant of each kernel family runs, and how it came to be chosen: timed on this adapter
// (with the timings), taken from an earlier timing, forced by the address, or the portable one.
import type { VariantChoice } from '../gpu/variants';
import { FAMILIES, FAMILY_NAMES } from '../kernels/variants';
import type { KernelVariants as Choices } from '../worker/protocol';

function timings(c: VariantChoice): string {
  const t = Object.entries(c.timings ?? {}).sort((a, b) => a[1] - b[1]);
  return t.map(([v, ms]) => `${v} ${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms`).join(', ');
}

/** How a choice was made, in words. */
export function choiceWords(c: VariantChoice | undefined): string {
  if (!c) return 'portable, until a run times the variants on this GPU';
  switch (c.source) {
    case 'tuned':
      return `fastest when timed on this GPU (${timings(c)})${c.note ? `; ${c.note}` : ''}`;
    case 'cached':
      return `timed on this GPU in an earlier run (${timings(c)})`;
    case 'forced':
      return 'forced by the address (?kernels=)';
    case 'only':
      return `the only one this GPU runs${c.note ? ` (${c.note})` : ''}`;
    case 'default':
      return `portable${c.note ? ` (${c.note})` : ''}`;
  }
}

export function KernelVariants(props: { choices: Choices | null }) {
  return (
    <dl className="facts" data-testid="kernel-variants">
      {FAMILY_NAMES.map((f) => {
        const c = props.choices?.[f];
        const variant = c?.variant ?? FAMILIES[f].fallback;
        return [
          <dt key={`${f}-dt`} title={FAMILIES[f].summary}>
            {f}
          </dt>,
          <dd key={`${f}-dd`} data-testid={`kernel-${f}`}>
            <strong>{variant}</strong> — {choiceWords(c)}
          </dd>,
        ];
      })}
    </dl>
  );
}
