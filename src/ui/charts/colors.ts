// One colour per model everywhere on the page, and a palette for overlaid runs.
import type { ModelKind } from '../../models/config';

export const MODEL_COLORS: Record<ModelKind, string> = {
  res: '#d1495b',
  'res-ckpt': '#e08e0b',
  rev: '#2e6fd8',
  wtrev: '#0f9d8a',
  deq: '#8e44ad',
  plain: '#5d6b82',
};

export const OVERLAY_COLORS = ['#7a8599', '#b5651d', '#4d9078', '#9b5de5', '#c2185b', '#00838f'];

export const SPLIT_COLORS = { train: '#9aa5b8', valid: '#e08e0b', test: '#2e6fd8' } as const;

export const TAG_COLORS: Record<string, string> = {
  params: '#2e6fd8',
  grads: '#6f9be8',
  optimizer: '#a9c2f0',
  activations: '#d1495b',
  workspace: '#f08a5d',
  graph: '#0f9d8a',
  io: '#9aa5b8',
};

export const OOM_COLOR = '#b00020';
export const GUIDE_COLOR = '#8a93a6';
