// The typed protocol between the page and the dataset-conversion worker (carried by comlink).
import type { ConvertProgress } from '../graph/convert/input';
import type { InputFormat } from '../graph/convert/index';
import type { StoredDataset } from '../graph/store';

/** A dropped or picked file with its path inside the dropped folder ('/'-separated). */
export interface DroppedFile {
  path: string;
  file: File;
}

export interface ConvertRequest {
  format?: InputFormat | 'auto';
  name?: string;
  shards?: number;
  seed?: number;
  directed?: boolean;
}

export type ConvertResult =
  | { ok: true; dataset: StoredDataset; format: InputFormat; notes: string[] }
  | {
      ok: false;
      message: string;
      /** The parts of a DatasetError, when it was one. */
      file?: string;
      field?: string;
      expected?: string;
      found?: string;
    };

export interface ConvertWorkerApi {
  convert(
    files: DroppedFile[],
    request: ConvertRequest,
    onProgress: (p: ConvertProgress) => void,
  ): Promise<ConvertResult>;
}
