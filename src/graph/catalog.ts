// Which datasets the page can offer, and where to read each: built-ins over fetch from the
// page's own server (public/datasets/<name>/), converted ones from browser storage.
import { BUILTIN_DATASETS, isBuiltinName } from './builtins';
import { DatasetError } from './errors';
import { FetchSource, type DatasetSource } from './load';
import { StoreSource } from './store';

export type DatasetRef = { kind: 'builtin'; name: string } | { kind: 'stored'; id: string };

/** The base URL of a built-in's folder, relative to the page (or worker) location. */
export function builtinUrl(name: string): URL {
  const base = import.meta.env?.BASE_URL ?? '/';
  const here = typeof location !== 'undefined' ? location.href : 'http://localhost/';
  return new URL(`${base}datasets/${name}/`, here);
}

export function builtinSource(name: string): FetchSource {
  if (!isBuiltinName(name)) {
    throw new DatasetError(
      name,
      'dataset',
      `a built-in dataset (${BUILTIN_DATASETS.map((d) => d.name).join(', ')})`,
      `"${name}"`,
    );
  }
  return new FetchSource(builtinUrl(name));
}

export function sourceFor(ref: DatasetRef): DatasetSource {
  return ref.kind === 'builtin' ? builtinSource(ref.name) : new StoreSource(ref.id);
}

export function refKey(ref: DatasetRef): string {
  return ref.kind === 'builtin' ? `builtin:${ref.name}` : `stored:${ref.id}`;
}
