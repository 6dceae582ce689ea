// Headless runs name a dataset by a built-in name or by an absolute folder path. How a name
// becomes a DatasetSource is the host's business (the page fetches through its dev server, Node
// reads the filesystem): the host installs its resolver before calling an entry.
import type { DatasetSource } from '../graph/load';

export type DatasetResolver = (ref: string) => DatasetSource;

let resolver: DatasetResolver | null = null;

export function installDatasetResolver(r: DatasetResolver): void {
  resolver = r;
}

export function datasetSource(ref: string): DatasetSource {
  if (!resolver) throw new Error('No dataset resolver: the headless host did not install one.');
  return resolver(ref);
}
