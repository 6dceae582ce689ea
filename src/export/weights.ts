// The engine's parameters as the PyTorch export names and shapes them, and back. Driven by the
// parameter list by name: every name must play a role the exported model.py knows (a linear's
// weight or bias, a norm's gamma or beta, a conv's weights, GAT's attention vectors, GEN's
// learned t or p); anything else is refused by name, so a new engine parameter cannot be
// silently dropped. Vectors (bias, gamma, beta; 1×D in the engine) are [D], matrices [in, out],
// GEN's scalars (1×1) [1] as in DeeperGCN.
import type { ModelConfig } from '../models/config';
import type { HostParams } from '../nn/params';
import { decodeCheckpoint, stepsTaken, type Checkpoint } from '../train/checkpoint';
import { ENGINE } from './engine-version';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors';

export const EXPORTABLE_MODELS: readonly string[] = ['res', 'res-ckpt', 'rev', 'wtrev', 'deq'];
export const EXPORTABLE_OPS: readonly string[] = ['gcn', 'sage', 'gen', 'gat'];

const BLOCK = String.raw`(?:layer\d+|tied)(?:\.group\d+)?`;
/** An operator: a block's conv, or one of DEQ's two. */
const CONV = String.raw`(?:${BLOCK}\.conv|deq\.conv[12])`;
type Shape = 'matrix' | 'vector' | 'scalar';
const ROLES: { pattern: RegExp; shape: Shape }[] = [
  { pattern: /^(?:encoder|edge_encoder|head\.linear)\.weight$/, shape: 'matrix' },
  { pattern: /^(?:encoder|edge_encoder|head\.linear)\.bias$/, shape: 'vector' },
  { pattern: new RegExp(String.raw`^(?:${BLOCK}|head)\.norm\.(?:gamma|beta)$`), shape: 'vector' },
  // GAT's att is its 2 (3 with edge features) × width attention vectors a_src, a_dst, a_edge.
  { pattern: new RegExp(String.raw`^${CONV}\.(?:weight|root|neigh|att)$`), shape: 'matrix' },
  { pattern: new RegExp(String.raw`^${CONV}\.bias$`), shape: 'vector' },
  // GEN's learned softmax temperature (t) or power-mean exponent (p).
  { pattern: new RegExp(String.raw`^${CONV}\.[tp]$`), shape: 'scalar' },
  { pattern: /^deq\.norm[12]\.(?:gamma|beta)$/, shape: 'vector' },
];

/** Data sizes the exported model needs, read off the weights. */
export interface ExportDims {
  input: number;
  output: number;
  edge: number;
}

/** What the export's safetensors carries besides the tensors (metadata key "revgnn", JSON). */
export interface WeightsMetadata {
  engine: { name: string; version: string };
  model: ModelConfig;
  dims: ExportDims;
  epoch: number;
  /** Optimizer steps taken (DEQ's warm-up counts them). */
  steps: number;
  dataset: string | null;
  /** Who wrote the file: the engine or train.py. */
  trainer: 'engine' | 'pytorch';
}

/** The PyTorch shape of an engine parameter, or null when the export has no place for it. */
export function exportShape(name: string, rows: number, cols: number): number[] | null {
  const role = ROLES.find((r) => r.pattern.test(name));
  if (!role) return null;
  if (role.shape === 'matrix') return [rows, cols];
  if (rows !== 1 || (role.shape === 'scalar' && cols !== 1)) return null;
  return [cols];
}

/** Every reason a model's weights cannot be exported, in words; empty when they can. */
export function exportProblems(model: ModelConfig, params: HostParams): string[] {
  const out: string[] = [];
  if (!EXPORTABLE_MODELS.includes(model.model))
    out.push(
      `The model kind "${model.model}" has no PyTorch export yet (exportable: ${EXPORTABLE_MODELS.join(', ')}).`,
    );
  if (!EXPORTABLE_OPS.includes(model.op))
    out.push(
      `The operator "${model.op}" has no PyTorch export yet (exportable: ${EXPORTABLE_OPS.join(', ')}).`,
    );
  // The exported data.py feeds the features as stored; weights trained on prepared ones would
  // predict from inputs they never saw.
  if (model.features !== undefined && model.features !== 'raw')
    out.push(
      `The feature preprocessing "${model.features}" has no PyTorch export yet (the exported data.py feeds the features as stored).`,
    );
  for (const [name, p] of Object.entries(params)) {
    if (!exportShape(name, p.rows, p.cols))
      out.push(
        `The parameter "${name}" (${p.rows}×${p.cols}) has no counterpart in the exported model.py.`,
      );
  }
  return out;
}

export function exportDims(params: HostParams): ExportDims {
  const need = (name: string) => {
    const p = params[name];
    if (!p) throw new Error(`The weights have no "${name}": not a network the engine built.`);
    return p;
  };
  return {
    input: need('encoder.weight').rows,
    output: need('head.linear.weight').cols,
    edge: params['edge_encoder.weight']?.rows ?? 0,
  };
}

/** A checkpoint's values (Adam's moments are not carried) as the export's safetensors. */
export function checkpointToSafetensors(
  c: Checkpoint,
  dataset: string | null = null,
): Uint8Array<ArrayBuffer> {
  const problems = exportProblems(c.model, c.params);
  if (problems.length) throw new Error(problems.join(' '));
  const tensors: Record<string, SafeTensor> = {};
  for (const [name, p] of Object.entries(c.params))
    tensors[name] = { shape: exportShape(name, p.rows, p.cols)!, data: p.value };
  const meta: WeightsMetadata = {
    engine: ENGINE,
    model: c.model,
    dims: exportDims(c.params),
    epoch: c.epoch,
    steps: stepsTaken(c),
    dataset,
    trainer: 'engine',
  };
  return encodeSafetensors(tensors, {
    format: 'pt',
    revgnn: JSON.stringify(meta),
    steps: String(meta.steps),
  });
}

/**
 * A safetensors written by the export (or by its train.py) as a checkpoint: values only, the
 * file's own shapes kept beside them for messages. The model configuration comes from the
 * "revgnn" metadata, or from `model` for a file without it (written elsewhere).
 */
export function safetensorsToCheckpoint(
  bytes: Uint8Array,
  file: string,
  model?: ModelConfig,
): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  let meta: Partial<WeightsMetadata> = {};
  if (metadata.revgnn) {
    try {
      meta = JSON.parse(metadata.revgnn);
    } catch (e) {
      throw new Error(`${file}: the "revgnn" metadata is not JSON (${(e as Error).message}).`);
    }
  }
  const config = meta.model ?? model;
  if (!config) {
    throw new Error(
      `${file}: no model configuration — the file has no "revgnn" metadata (write it with the ` +
        "export's train.py --save), and none was given.",
    );
  }
  const params: HostParams = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (t.shape.length > 2 || t.shape.length === 0) {
      throw new Error(
        `${file}: tensor "${name}" has shape [${t.shape.join(', ')}]; the engine's parameters are vectors or matrices.`,
      );
    }
    const [rows, cols] = t.shape.length === 1 ? [1, t.shape[0]] : t.shape;
    params[name] = { rows, cols, value: t.data, shape: t.shape };
  }
  // No optimizer state travels in the file: Adam starts afresh (step 0); the steps the weights
  // have seen are kept apart, for DEQ's warm-up count.
  return {
    model: config,
    adamStep: 0,
    epoch: meta.epoch ?? 0,
    params,
    extra: {
      datasetName: meta.dataset ?? null,
      weightsFile: file,
      trainer: meta.trainer,
      stepsTaken: meta.steps ?? Number(metadata.steps ?? 0),
    },
  };
}

/** Whether bytes look like a safetensors file (rather than the engine's RGNNCKPT). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return n > 0 && 8 + n <= bytes.length && bytes[8] === 0x7b; // '{'
}

/**
 * A weights file of either kind — the engine's checkpoint (.rgnn) or a safetensors from the
 * export — as a checkpoint. `model` stands in for a safetensors without the export's metadata.
 */
export function readWeightsFile(bytes: Uint8Array, file: string, model?: ModelConfig): Checkpoint {
  if (isSafetensors(bytes)) return safetensorsToCheckpoint(bytes, file, model);
  try {
    return decodeCheckpoint(bytes);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message} Nor is it a safetensors file.`);
  }
}
