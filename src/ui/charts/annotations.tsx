// Short notes pinned to a point of a chart (the guided tour's "look here"): a ring on the point
// and a few words in a box beside it, drawn inside the chart's SVG so an exported picture keeps them.
import { ReferenceDot } from 'recharts';

export interface Annotation {
  id: string;
  x: number;
  y: number;
  text: string;
  /** Where the note sits relative to its point. */
  side?: 'left' | 'right' | 'above' | 'below' | 'above-left' | 'below-left';
  color?: string;
  /** Pixels between the point and its note (default 14): more lifts a note clear of the lines. */
  gap?: number;
}

const LINE = 14;
const CHAR = 6.4;
const MAX_CHARS = 30;

/** Words into lines of at most MAX_CHARS characters. */
export function wrapWords(text: string, max = MAX_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + w.length > max) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

function Note(props: { cx?: number; cy?: number; note: Annotation }) {
  const { cx = 0, cy = 0, note } = props;
  const lines = wrapWords(note.text);
  const w = Math.max(...lines.map((l) => l.length)) * CHAR + 12;
  const h = lines.length * LINE + 8;
  const side = note.side ?? 'left';
  const gap = note.gap ?? 14;
  const leftward = side === 'left' || side === 'above-left' || side === 'below-left';
  const bx =
    side === 'left' || side === 'above-left' || side === 'below-left'
      ? cx - gap - w
      : side === 'right'
        ? cx + gap
        : Math.max(2, cx - w / 2);
  const by =
    side === 'above' || side === 'above-left'
      ? cy - gap - h
      : side === 'below' || side === 'below-left'
        ? cy + gap
        : cy - h / 2;
  const color = note.color ?? '#1d2330';
  // The leader runs from the point to the box's nearest corner or edge.
  const lx = leftward ? bx + w : side === 'right' ? bx : cx;
  const ly =
    side === 'above' || side === 'above-left'
      ? by + h
      : side === 'below' || side === 'below-left'
        ? by
        : cy;
  return (
    <g className="chart-annotation" data-annotation={note.id}>
      <circle cx={cx} cy={cy} r={7} fill="none" stroke={color} strokeWidth={2} />
      <line x1={cx} y1={cy} x2={lx} y2={ly} stroke={color} strokeWidth={1.25} />
      <rect x={bx} y={by} width={w} height={h} rx={4} fill="#fffbe6" stroke={color} />
      <text x={bx + 6} y={by + 4 + LINE - 3} fontSize={11.5} fill="#1d2330">
        {lines.map((l, i) => (
          <tspan key={i} x={bx + 6} dy={i ? LINE : 0}>
            {l}
          </tspan>
        ))}
      </text>
    </g>
  );
}

/** ReferenceDots for a chart's children (recharts wants them as direct elements). */
export function annotationDots(notes: readonly Annotation[] = []) {
  return notes.map((n) => (
    <ReferenceDot
      key={n.id}
      x={n.x}
      y={n.y}
      r={7}
      ifOverflow="visible"
      shape={(p: { cx?: number; cy?: number }) => <Note cx={p.cx} cy={p.cy} note={n} />}
    />
  ));
}
