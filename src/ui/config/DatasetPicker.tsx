// Which dataset and which of its shards to train on: each shard with its nodes, edges and bytes
// from the manifest; all or none at a click.
import { useId } from 'react';
import { BUILTIN_DATASETS } from '../../graph/builtins';
import type { DatasetRef } from '../../graph/catalog';
import type { StoredDataset } from '../../graph/store';
import { formatBytes } from '../../util/format';
import type { ManifestState } from './use-datasets';

interface Props {
  value: DatasetRef;
  shards: number[] | null;
  onChange(ref: DatasetRef, shards: number[] | null): void;
  stored: StoredDataset[];
  manifest: ManifestState & { loading: boolean };
  problems: string[];
  disabled?: boolean;
}

function encode(ref: DatasetRef): string {
  return ref.kind === 'builtin' ? `builtin:${ref.name}` : `stored:${ref.id}`;
}

function decode(v: string): DatasetRef {
  return v.startsWith('stored:')
    ? { kind: 'stored', id: v.slice(7) }
    : { kind: 'builtin', name: v.slice(8) };
}

export function DatasetPicker({
  value,
  shards,
  onChange,
  stored,
  manifest,
  problems,
  disabled,
}: Props) {
  const id = useId();
  const m = manifest.manifest;
  const all = m ? m.shards.map((_, i) => i) : [];
  const chosen = new Set(shards ?? all);
  const known =
    value.kind === 'builtin'
      ? BUILTIN_DATASETS.some((d) => d.name === value.name)
      : stored.some((d) => d.id === value.id);
  const toggle = (i: number) => {
    const next = new Set(chosen);
    if (!next.delete(i)) next.add(i);
    const list = [...next].sort((a, b) => a - b);
    onChange(value, list.length === all.length ? null : list);
  };
  const totals = m
    ? m.shards.reduce(
        (t, s, i) =>
          chosen.has(i)
            ? { nodes: t.nodes + s.nodes, edges: t.edges + s.edges, bytes: t.bytes + s.bytes }
            : t,
        { nodes: 0, edges: 0, bytes: 0 },
      )
    : null;

  return (
    <fieldset className="dataset-picker" disabled={disabled}>
      <legend>Dataset</legend>
      {/* The legend names the group; the list's own name says what choosing in it does. */}
      <label htmlFor={id} className="visually-hidden">
        Train on
      </label>
      <select
        id={id}
        value={encode(value)}
        data-testid="dataset-select"
        onChange={(e) => onChange(decode(e.target.value), null)}
      >
        <optgroup label="Built-in">
          {BUILTIN_DATASETS.map((d) => (
            <option key={d.name} value={`builtin:${d.name}`}>
              {d.title}
            </option>
          ))}
        </optgroup>
        {stored.length > 0 && (
          <optgroup label="Stored in this browser">
            {stored.map((d) => (
              <option key={d.id} value={`stored:${d.id}`}>
                {d.id} ({d.numNodes.toLocaleString()} nodes)
              </option>
            ))}
          </optgroup>
        )}
        {!known && <option value={encode(value)}>{encode(value)} (not found)</option>}
      </select>
      {m && <p className="hint">{m.description}</p>}
      {manifest.loading && <p className="hint">Reading the dataset’s manifest…</p>}
      {manifest.error && (
        <p className="field-problem" role="alert" data-testid="dataset-problem">
          {manifest.error}
        </p>
      )}
      {m && (
        <div className="shards">
          <div className="shard-head">
            <span>Shards</span>
            <button type="button" className="small" onClick={() => onChange(value, null)}>
              All
            </button>
            <button type="button" className="small" onClick={() => onChange(value, [])}>
              None
            </button>
          </div>
          <table className="shard-table" data-testid="shard-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Use</span>
                </th>
                <th scope="col">Shard</th>
                <th scope="col">Nodes</th>
                <th scope="col">Edges</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {m.shards.map((s, i) => (
                <tr key={s.file}>
                  <td>
                    <input
                      type="checkbox"
                      id={`${id}-shard-${i}`}
                      checked={chosen.has(i)}
                      onChange={() => toggle(i)}
                      aria-label={`Use shard ${i}`}
                    />
                  </td>
                  <td>
                    <label htmlFor={`${id}-shard-${i}`}>{i}</label>
                  </td>
                  <td>{s.nodes.toLocaleString()}</td>
                  <td>{s.edges.toLocaleString()}</td>
                  <td>{formatBytes(s.bytes)}</td>
                </tr>
              ))}
            </tbody>
            {totals && (
              <tfoot>
                <tr>
                  <td />
                  <th scope="row">chosen</th>
                  <td>{totals.nodes.toLocaleString()}</td>
                  <td>{totals.edges.toLocaleString()}</td>
                  <td>{formatBytes(totals.bytes)}</td>
                </tr>
              </tfoot>
            )}
          </table>
          <p className="hint">
            {m.task === 'multilabel'
              ? `${m.numTasks} tasks, mean ROC-AUC`
              : `${m.numClasses} classes, accuracy`}
            {' · '}
            {m.features.dim} features
            {m.edgeFeatures ? ` · ${m.edgeFeatures.dim} edge features` : ''}
            {m.suggestedParts ? ` · suggested parts per epoch: ${m.suggestedParts}` : ''}
          </p>
        </div>
      )}
      {problems.length > 0 && (
        <p className="field-problem" role="alert">
          {problems.join(' ')}
        </p>
      )}
    </fieldset>
  );
}
