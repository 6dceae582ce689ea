// Headless runs name a dataset by a built-in name (served from public/datasets/) or by an absolute
// folder path, which the dev server exposes under /@fs/ (the Node side allows that folder).
import { FetchSource, type DatasetSource } from '../graph/load';

export function datasetSource(ref: string): DatasetSource {
  if (ref.startsWith('/'))
    return new FetchSource(`${location.origin}/@fs${ref.replace(/\/+$/, '')}/`);
  if (!/^[\w.-]+$/.test(ref))
    throw new Error(`"${ref}" is neither a built-in dataset name nor an absolute folder path.`);
  return new FetchSource(`${location.origin}/datasets/${ref}/`);
}
