// The pieces the block diagrams are drawn with: a tensor (filled while it is alive in GPU
// memory, dashed when it is not), a function box, an arrow, an adder, and the strip of layers
// that shows what is kept between them.
import type { Slot } from './moment';

export const ALIVE_FILL = '#fbe3d2';
export const ALIVE_STROKE = '#D55E00';
export const ACTIVE_STROKE = '#0072B2';
export const ABSENT_STROKE = '#b9c0cc';
export const MODE_COLOR = { forward: '#0072B2', inverse: '#CC79A7', grad: '#E69F00' } as const;

const SUB = '₀₁₂₃₄₅₆₇₈₉';
/** x₁₂ — a name with a subscript index. */
export function sub(name: string, i: number): string {
  return name + String(i).replace(/\d/g, (d) => SUB[Number(d)]);
}

export function Tensor(props: {
  x: number;
  y: number;
  w?: number;
  h?: number;
  label: string;
  slot: Slot;
  id: string;
}) {
  const { x, y, w = 60, h = 28, label, slot, id } = props;
  const absent = slot === 'absent';
  return (
    <g data-tensor={id} data-slot={slot}>
      <rect
        x={x}
        y={y}
        width={w}
        height={h}
        rx={5}
        fill={absent ? '#fff' : ALIVE_FILL}
        stroke={slot === 'active' ? ACTIVE_STROKE : absent ? ABSENT_STROKE : ALIVE_STROKE}
        strokeWidth={slot === 'active' ? 3 : 1.5}
        strokeDasharray={absent ? '4 3' : undefined}
      />
      <text
        x={x + w / 2}
        y={y + h / 2 + 5}
        textAnchor="middle"
        fontSize={15}
        fill={absent ? '#9aa3b3' : '#1d2330'}
        fontWeight={slot === 'active' ? 700 : 500}
      >
        {label}
      </text>
    </g>
  );
}

export function FBox(props: {
  x: number;
  y: number;
  w?: number;
  h?: number;
  label: string;
  mode: keyof typeof MODE_COLOR | null;
  id: string;
}) {
  const { x, y, w = 52, h = 34, label, mode, id } = props;
  const color = mode ? MODE_COLOR[mode] : '#5f687a';
  return (
    <g data-f={id} data-mode={mode ?? 'idle'}>
      <rect
        x={x}
        y={y}
        width={w}
        height={h}
        rx={8}
        fill={mode ? color : '#eef0f4'}
        fillOpacity={mode ? 0.18 : 1}
        stroke={color}
        strokeWidth={mode ? 3 : 1.25}
      />
      <text
        x={x + w / 2}
        y={y + h / 2 + 5}
        textAnchor="middle"
        fontSize={15}
        fontStyle="italic"
        fontWeight={mode ? 700 : 500}
        fill="#1d2330"
      >
        {label}
      </text>
    </g>
  );
}

export function Adder(props: { cx: number; cy: number; minus?: boolean; active: boolean }) {
  const { cx, cy, minus, active } = props;
  return (
    <g>
      <circle
        cx={cx}
        cy={cy}
        r={11}
        fill="#fff"
        stroke={active ? ACTIVE_STROKE : '#5f687a'}
        strokeWidth={active ? 2.5 : 1.25}
      />
      <line x1={cx - 6} y1={cy} x2={cx + 6} y2={cy} stroke="#1d2330" strokeWidth={1.5} />
      {!minus && (
        <line x1={cx} y1={cy - 6} x2={cx} y2={cy + 6} stroke="#1d2330" strokeWidth={1.5} />
      )}
    </g>
  );
}

/** A path with its arrowhead at the end (or, `reverse`, at its start: data flowing back). */
export function Arrow(props: {
  d: string;
  active?: boolean;
  color?: string;
  markers: string;
  reverse?: boolean;
}) {
  const { d, active, color, markers, reverse } = props;
  const head = `url(#${markers}${active ? '-active' : ''})`;
  return (
    <path
      d={d}
      fill="none"
      stroke={active ? (color ?? ACTIVE_STROKE) : '#8a93a6'}
      strokeWidth={active ? 2.5 : 1.25}
      markerEnd={reverse ? undefined : head}
      markerStart={reverse ? head : undefined}
    />
  );
}

/** Arrowheads, once per diagram (ids unique on the page). */
export function ArrowDefs({ id }: { id: string }) {
  return (
    <defs>
      <marker
        id={id}
        viewBox="0 0 8 8"
        refX="7"
        refY="4"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M0,0 L8,4 L0,8 z" fill="#8a93a6" />
      </marker>
      <marker
        id={`${id}-active`}
        viewBox="0 0 8 8"
        refX="7"
        refY="4"
        markerUnits="userSpaceOnUse"
        markerWidth="10"
        markerHeight="10"
        orient="auto-start-reverse"
      >
        <path d="M0,0 L8,4 L0,8 z" fill={ACTIVE_STROKE} />
      </marker>
    </defs>
  );
}

/**
 * Layers 1…L as cells under a caption (at most `max` cells, each then standing for several
 * layers): what is kept between layers at this moment.
 */
export function LayerStrip(props: {
  x: number;
  y: number;
  width: number;
  kept: Slot[];
  caption: string;
  max?: number;
}) {
  const { x, y, width, kept, caption, max = 64 } = props;
  const L = kept.length;
  const cells = Math.min(L, max);
  const per = L / cells;
  const w = width / cells;
  const out = [];
  for (let c = 0; c < cells; c++) {
    const span = kept.slice(
      Math.floor(c * per),
      Math.max(Math.floor(c * per) + 1, Math.floor((c + 1) * per)),
    );
    const slot: Slot = span.includes('active')
      ? 'active'
      : span.includes('alive')
        ? 'alive'
        : 'absent';
    out.push(
      <rect
        key={c}
        x={x + c * w + 0.5}
        y={y}
        width={Math.max(1, w - 1)}
        height={16}
        fill={slot === 'absent' ? '#fff' : slot === 'active' ? '#9ecae9' : ALIVE_FILL}
        stroke={
          slot === 'absent' ? ABSENT_STROKE : slot === 'active' ? ACTIVE_STROKE : ALIVE_STROKE
        }
        strokeWidth={slot === 'active' ? 2 : 1}
      />,
    );
  }
  const keptCount = kept.filter((k) => k !== 'absent').length;
  return (
    <g data-testid="layer-strip" data-kept={keptCount}>
      <text x={x} y={y - 8} fontSize={12} fill="#5f687a">
        {caption}
      </text>
      {out}
      <text x={x} y={y + 31} fontSize={12} fill="#5f687a">
        layer 1
      </text>
      <text x={x + width} y={y + 31} fontSize={12} fill="#5f687a" textAnchor="end">
        layer {L}
      </text>
    </g>
  );
}

/** dL/dy, alive through the backward pass, drawn at the output row's right end. */
export function GradChip({ right, y }: { right: number; y: number }) {
  return (
    <g data-tensor="dy" data-slot="alive">
      <rect x={right - 54} y={y} width={50} height={28} rx={5} fill="#fff3d6" stroke="#E69F00" />
      <text x={right - 29} y={y + 19} textAnchor="middle" fontSize={13}>
        ∂L/∂y
      </text>
    </g>
  );
}
