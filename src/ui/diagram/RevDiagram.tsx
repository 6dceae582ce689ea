// The grouped reversible coupling for C groups, drawn as the engine computes it:
//   s = x₁ + … + x_{C−1},  y₀ = x₀ + f₀(s),  yᵢ = xᵢ + fᵢ(yᵢ₋₁)
// At a given moment of a step it marks the function at work (forward, inverse or gradient), the
// tensors alive in GPU memory (filled) and those that are not (dashed), and below it the layers:
// between them a reversible network keeps only the one in hand.
import { useId } from 'react';
import { keptLayers, revState, type Moment } from './moment';
import {
  Adder,
  Arrow,
  ArrowDefs,
  FBox,
  GradChip,
  LayerStrip,
  MODE_COLOR,
  sub,
  Tensor,
} from './parts';

const CW = 116;
const LEFT = 64;
const X_ROW = 34;
const SIGMA_Y = 100;
const F_Y = 150;
const ADD_Y = 222;
const Y_ROW = 262;
const STRIP_Y = 336;
/** Past this many groups the columns would be unreadable: the picture says it shows the first ones. */
export const MAX_DRAWN_GROUPS = 8;

interface Props {
  groups: number;
  layers: number;
  moment: Moment;
}

export function RevDiagram({ groups, layers, moment }: Props) {
  const markers = `rev${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const C = Math.min(groups, MAX_DRAWN_GROUPS);
  const st = revState(moment, C);
  const cx = (i: number) => LEFT + i * CW;
  const width = LEFT + (C - 1) * CW + 120;
  const fx = (i: number) => cx(i) + 18;
  const mode = (i: number) => (st.f?.group === i ? st.f.mode : null);
  const inverse = moment.phase === 'backward';
  const sActive = st.s === 'active';
  return (
    <svg
      viewBox={`0 0 ${width} ${STRIP_Y + 40}`}
      className="block-diagram"
      data-testid="rev-diagram"
      data-phase={moment.phase}
      data-layer={moment.layer ?? ''}
      data-action={moment.action ?? ''}
      data-group={moment.group ?? ''}
      role="img"
      aria-label={`Reversible block with ${groups} groups: ${describe(moment)}`}
    >
      <ArrowDefs id={markers} />
      <text x={8} y={X_ROW + 19} fontSize={12} fill="#5f687a">
        in
      </text>
      <text x={8} y={Y_ROW + 19} fontSize={12} fill="#5f687a">
        out
      </text>
      {/* Exchange term: every group but the first, summed. */}
      {Array.from({ length: C - 1 }, (_, k) => k + 1).map((j) => (
        <Arrow
          key={`sx${j}`}
          markers={markers}
          d={`M${cx(j) + 8},${X_ROW + 28} L${fx(0) + 9},${SIGMA_Y - 8}`}
          active={sActive}
        />
      ))}
      <g data-tensor="s" data-slot={st.s}>
        <circle
          cx={fx(0)}
          cy={SIGMA_Y}
          r={13}
          fill={st.s === 'absent' ? '#fff' : '#fbe3d2'}
          stroke={sActive ? MODE_COLOR.forward : st.s === 'absent' ? '#b9c0cc' : '#D55E00'}
          strokeWidth={sActive ? 3 : 1.5}
          strokeDasharray={st.s === 'absent' ? '4 3' : undefined}
        />
        <text x={fx(0)} y={SIGMA_Y + 5} textAnchor="middle" fontSize={15}>
          Σ
        </text>
        <text x={fx(0) - 20} y={SIGMA_Y + 5} textAnchor="end" fontSize={13} fontStyle="italic">
          s
        </text>
      </g>
      <Arrow
        markers={markers}
        d={`M${fx(0)},${SIGMA_Y + 13} L${fx(0)},${F_Y - 2}`}
        active={mode(0) !== null}
      />
      {Array.from({ length: C }, (_, i) => {
        const m = mode(i);
        const color = m ? MODE_COLOR[m] : undefined;
        return (
          <g key={i} data-group-column={i}>
            <Tensor id={sub('x', i)} x={cx(i) - 30} y={X_ROW} label={sub('x', i)} slot={st.x[i]} />
            {/* The skip connection x_i → adder (the inverse runs it back: adder → x_i). */}
            <Arrow
              markers={markers}
              d={`M${cx(i) - 16},${X_ROW + 28} L${cx(i) - 16},${ADD_Y} L${cx(i) - 13},${ADD_Y}`}
              active={m === 'forward' || m === 'inverse'}
              reverse={m === 'inverse'}
              color={color}
            />
            {i > 0 && (
              <Arrow
                markers={markers}
                d={`M${cx(i - 1) + 30},${Y_ROW + 10} C${cx(i - 1) + 64},${Y_ROW + 10} ${fx(i) - 40},${F_Y + 17} ${fx(i) - 28},${F_Y + 17}`}
                active={m !== null}
                color={color}
              />
            )}
            <FBox id={sub('f', i)} x={fx(i) - 26} y={F_Y} label={sub('f', i)} mode={m} />
            <Arrow
              markers={markers}
              d={`M${fx(i)},${F_Y + 34} L${cx(i) + 8},${ADD_Y - 9}`}
              active={m !== null}
              color={color}
            />
            <Adder
              cx={cx(i)}
              cy={ADD_Y}
              minus={inverse}
              active={m === 'forward' || m === 'inverse'}
            />
            <Arrow
              markers={markers}
              d={`M${cx(i)},${ADD_Y + 11} L${cx(i)},${Y_ROW - 1}`}
              active={m === 'forward' || m === 'inverse'}
              reverse={m === 'inverse'}
              color={color}
            />
            <Tensor id={sub('y', i)} x={cx(i) - 30} y={Y_ROW} label={sub('y', i)} slot={st.y[i]} />
          </g>
        );
      })}
      {st.grad && <GradChip right={width - 4} y={Y_ROW} />}
      {st.workspace && st.f && (
        <text
          x={fx(st.f.group) + 6}
          y={F_Y + 52}
          fontSize={11}
          fill="#5f687a"
          data-tensor="workspace"
        >
          + intermediates
        </text>
      )}
      {groups > C && (
        <text x={width - 8} y={X_ROW - 12} textAnchor="end" fontSize={12} fill="#5f687a">
          first {C} of {groups} groups drawn
        </text>
      )}
      <LayerStrip
        caption="kept between layers: only the one in hand"
        x={8}
        y={STRIP_Y}
        width={width - 16}
        kept={keptLayers('rev', moment, Math.max(1, layers))}
      />
    </svg>
  );
}

/** The moment in words, for the readout and screen readers. */
export function describe(m: Moment, kind: 'rev' | 'res' = 'rev'): string {
  const where = m.layer !== null ? `${m.phase}, layer ${m.layer}` : m.phase;
  if (kind === 'res' && m.layer !== null)
    return m.phase === 'forward'
      ? `${where}: y = x + f(x), keeping x and f’s intermediates`
      : `${where}: back-propagating through f from what it kept`;
  if (m.action === null) return where;
  const g = m.group !== null ? sub('', m.group) : '';
  const what =
    m.action === 'exchange'
      ? m.phase === 'forward'
        ? 'summing the exchange term s'
        : 'rebuilding the exchange term s from the recovered groups'
      : m.action === 'f'
        ? `y${g} = x${g} + f${g}(${m.group === 0 ? 's' : `y${sub('', m.group! - 1)}`})`
        : m.action === 'inverse'
          ? `inverse: x${g} = y${g} − f${g}(${m.group === 0 ? 's' : `y${sub('', m.group! - 1)}`}), recomputing f${g}`
          : `back-propagating through f${g}`;
  return `${where}: ${what}`;
}
