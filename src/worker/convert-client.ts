// The page's handle on a dataset-conversion worker: one worker per conversion, ended after it.
import * as Comlink from 'comlink';
import type { ConvertProgress } from '../graph/convert/input';
import type {
  ConvertRequest,
  ConvertResult,
  ConvertWorkerApi,
  DroppedFile,
} from './convert-protocol';

export async function convertInWorker(
  files: DroppedFile[],
  request: ConvertRequest,
  onProgress: (p: ConvertProgress) => void,
): Promise<ConvertResult> {
  const worker = new Worker(new URL('./convert.worker.ts', import.meta.url), {
    type: 'module',
    name: 'revgnn-convert',
  });
  // A worker that dies (an error outside the call, a script that fails to load) never answers:
  // its error event ends the wait instead.
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the worker stopped')));
    worker.addEventListener('messageerror', () => reject(new Error('a message could not be read')));
  });
  try {
    const api = Comlink.wrap<ConvertWorkerApi>(worker);
    return await Promise.race([api.convert(files, request, Comlink.proxy(onProgress)), died]);
  } catch (e) {
    return {
      ok: false,
      message: `The conversion worker failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  } finally {
    worker.terminate();
  }
}
