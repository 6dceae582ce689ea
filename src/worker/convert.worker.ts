// Converts dropped Planetoid / OGB / CSV files off the page's thread and stores the result in
// the browser (IndexedDB). Progress is reported at most every 100 ms. Every failure comes back as
// a result naming the file (convertDataset turns anything into a DatasetError); files a crashed
// earlier conversion left in storage are deleted first.
import * as Comlink from 'comlink';
import { convertDataset } from '../graph/convert/index';
import { fileInput, type ConvertProgress } from '../graph/convert/input';
import { DatasetError } from '../graph/errors';
import { StoreSink } from '../graph/store';
import { cleanAbandonedStaging } from '../graph/store-staging';
import type { ConvertWorkerApi } from './convert-protocol';

const api: ConvertWorkerApi = {
  async convert(files, request, onProgress) {
    let last = 0;
    const report = (p: ConvertProgress) => {
      const now = performance.now();
      if (p.stage === 'read' && p.done < p.total && now - last < 100) return;
      last = now;
      onProgress(p);
    };
    await cleanAbandonedStaging().catch(() => {});
    const sink = new StoreSink();
    try {
      const input = fileInput(files, files.length === 1 ? files[0].path : 'dropped files');
      const { manifest, format } = await convertDataset(input, sink, {
        ...request,
        onProgress: report,
      });
      return { ok: true, dataset: sink.committed!, format, notes: manifest.notes };
    } catch (e) {
      if (e instanceof DatasetError) {
        return {
          ok: false,
          message: e.message,
          file: e.file,
          field: e.field,
          expected: e.expected,
          found: e.found,
        };
      }
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  },
};

Comlink.expose(api);
