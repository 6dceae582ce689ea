// The page behind headless runs in Chromium (headless.html, driven by scripts/lib/headless.ts).
// It registers the entry points on window.revgnnHeadless; the Node side calls one by name with
// JSON-able arguments and gets its JSON-able result back. Progress goes out through
// window.revgnnProgress, which the Node side exposes.
import { FetchSource } from '../graph/load';
import { installDatasetResolver } from './dataset-ref';
import { ENTRIES } from './entries';
import { configureKernels, pageVariantCache } from './kernel-host';
import { throttledProgress } from './progress';
import type { HeadlessProgress, HeadlessRegistry } from './types';

declare global {
  interface Window {
    revgnnHeadless?: HeadlessRegistry;
    /** Exposed by the Node side with page.exposeFunction; absent when the page is opened by hand. */
    revgnnProgress?: (p: HeadlessProgress) => Promise<void>;
  }
}

// A folder is read through the dev server's /@fs/ (the Node side allows it); a built-in is
// served from public/datasets/.
installDatasetResolver((ref) => {
  if (ref.startsWith('/'))
    return new FetchSource(`${location.origin}/@fs${ref.replace(/\/+$/, '')}/`);
  if (!/^[\w.-]+$/.test(ref))
    throw new Error(`"${ref}" is neither a built-in dataset name nor an absolute folder path.`);
  return new FetchSource(`${location.origin}/datasets/${ref}/`);
});

window.revgnnHeadless = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, entry]) => [
    name,
    (args: unknown, kernels?: string | null) => {
      configureKernels(kernels, pageVariantCache());
      return entry(
        args,
        throttledProgress((p) => void window.revgnnProgress?.(p).catch(() => undefined)),
      );
    },
  ]),
);
