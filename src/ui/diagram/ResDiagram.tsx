// The residual block y = x + f(x) at full width, for contrast: it cannot be run backwards, so it
// keeps its input (and, under "store", f's intermediates) for the backward pass — for every layer
// below the one in hand, which is why its memory grows with depth.
import { useId } from 'react';
import { keptLayers, type Moment, type Slot } from './moment';
import { Adder, Arrow, ArrowDefs, FBox, GradChip, LayerStrip, Tensor } from './parts';

const WIDTH = 380;
const CX = 110;
const X_ROW = 34;
const F_Y = 130;
const ADD_Y = 222;
const Y_ROW = 262;
const STRIP_Y = 336;

interface Props {
  layers: number;
  /** res-ckpt keeps only the input and recomputes f's intermediates in the backward. */
  checkpoint: boolean;
  moment: Moment;
}

export function ResDiagram({ layers, checkpoint, moment }: Props) {
  const markers = `res${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const fwd = moment.phase === 'forward' && moment.layer !== null;
  const bwd = moment.phase === 'backward' && moment.layer !== null;
  const inStack = fwd || bwd || moment.phase === 'head';
  const x: Slot = inStack ? 'alive' : 'absent';
  const inter: Slot = fwd
    ? checkpoint
      ? 'absent'
      : 'alive'
    : bwd
      ? checkpoint
        ? 'active'
        : 'alive'
      : 'absent';
  const y: Slot = fwd ? 'active' : 'absent';
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${STRIP_Y + 40}`}
      className="block-diagram"
      data-testid="res-diagram"
      data-phase={moment.phase}
      data-layer={moment.layer ?? ''}
      role="img"
      aria-label={`Residual block: ${moment.layer !== null ? `${moment.phase}, layer ${moment.layer}` : moment.phase}`}
    >
      <ArrowDefs id={markers} />
      <text x={8} y={X_ROW + 19} fontSize={12} fill="#5f687a">
        in
      </text>
      <text x={8} y={Y_ROW + 19} fontSize={12} fill="#5f687a">
        out
      </text>
      <Tensor id="x" x={CX - 40} y={X_ROW} w={80} label="x" slot={x} />
      <Arrow
        markers={markers}
        d={`M${CX - 26},${X_ROW + 28} L${CX - 26},${ADD_Y} L${CX - 13},${ADD_Y}`}
        active={fwd}
      />
      <Arrow
        markers={markers}
        d={`M${CX + 20},${X_ROW + 28} L${CX + 20},${F_Y - 2}`}
        active={fwd}
      />
      <FBox
        id="f"
        x={CX - 10}
        y={F_Y}
        w={60}
        label="f"
        mode={fwd ? 'forward' : bwd ? 'grad' : null}
      />
      <Arrow markers={markers} d={`M${CX + 20},${F_Y + 34} L${CX + 7},${ADD_Y - 9}`} active={fwd} />
      <Adder cx={CX} cy={ADD_Y} active={fwd} />
      <Arrow markers={markers} d={`M${CX},${ADD_Y + 11} L${CX},${Y_ROW - 1}`} active={fwd} />
      <Tensor id="y" x={CX - 40} y={Y_ROW} w={80} label="y" slot={y} />
      {/* f's intermediates: what "store" keeps for the backward pass. */}
      <Tensor id="LN(x)" x={CX + 80} y={F_Y - 28} w={96} label="LN(x)" slot={inter} />
      <Tensor id="conv input" x={CX + 80} y={F_Y + 14} w={96} label="ReLU·drop" slot={inter} />
      <text x={CX + 128} y={F_Y + 66} textAnchor="middle" fontSize={12} fill="#5f687a">
        {checkpoint ? 'recomputed in backward' : 'kept for backward'}
      </text>
      {bwd && <GradChip right={WIDTH - 6} y={Y_ROW} />}
      <LayerStrip
        caption={`kept between layers: every ${checkpoint ? 'input' : 'one'} below`}
        x={8}
        y={STRIP_Y}
        width={WIDTH - 16}
        kept={keptLayers('res', moment, Math.max(1, layers))}
      />
    </svg>
  );
}
