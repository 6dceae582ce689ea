// Colours on the page come from the Okabe–Ito palette (Okabe & Ito, "Color Universal Design"),
// chosen to stay distinguishable for the common forms of colour blindness. Yellow is left out:
// it does not read on white. Where colour alone carries meaning, a dash pattern or a marker
// carries it too.
import type { ModelKind } from '../../models/config';

export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  green: '#009E73',
  purple: '#CC79A7',
  orange: '#E69F00',
  sky: '#56B4E9',
  black: '#000000',
} as const;

/** One colour per model everywhere on the page. */
export const MODEL_COLORS: Record<ModelKind, string> = {
  res: OKABE_ITO.vermillion,
  'res-ckpt': OKABE_ITO.orange,
  rev: OKABE_ITO.blue,
  wtrev: OKABE_ITO.green,
  deq: OKABE_ITO.purple,
  plain: OKABE_ITO.black,
};

/** Runs drawn together take these in order, skipping a colour already in use. */
export const RUN_COLORS: readonly string[] = Object.values(OKABE_ITO);

/** `count` distinct run colours, none of them one of `taken`. */
export function runColors(count: number, taken: readonly string[] = []): string[] {
  const free = RUN_COLORS.filter((c) => !taken.includes(c));
  return Array.from({ length: count }, (_, i) => free[i % free.length]);
}

/** Splits of one run: told apart by dash pattern (and by colour where one run is shown). */
export const SPLIT_STYLE = {
  train: { color: OKABE_ITO.orange, dash: '2 3' },
  valid: { color: OKABE_ITO.green, dash: '8 4' },
  test: { color: OKABE_ITO.blue, dash: undefined },
} as const;

export const TAG_COLORS: Record<string, string> = {
  params: OKABE_ITO.blue,
  grads: OKABE_ITO.sky,
  optimizer: '#9ecae9',
  activations: OKABE_ITO.vermillion,
  workspace: OKABE_ITO.orange,
  graph: OKABE_ITO.green,
  io: '#9aa5b8',
};

export const OOM_COLOR = '#b00020';
/** The two growth guides of the depth sweep: distinct in shade and in dash. */
export const GUIDE_STYLE = {
  grows: { color: '#6b7385', dash: '7 5' },
  flat: { color: '#1d2330', dash: '2 3' },
} as const;
/** A prediction (not a measurement): the fitted slope's dash; its point is a hollow ring. */
export const PREDICTION_DASH = '3 3';
