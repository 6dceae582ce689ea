// Datasets panel: the built-ins, the datasets converted in this browser (with delete), and a drop
// zone / file pickers that convert Planetoid files, an OGB folder or CSV files in a worker.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { BUILTIN_DATASETS } from '../graph/builtins';
import type { DatasetRef } from '../graph/catalog';
import type { ConvertProgress } from '../graph/convert/input';
import { deleteStoredDataset, listStoredDatasets, type StoredDataset } from '../graph/store';
import { cleanAbandonedStaging } from '../graph/store-staging';
import { formatBytes } from '../util/format';
import { convertInWorker } from '../worker/convert-client';
import type { ConvertResult, DroppedFile } from '../worker/convert-protocol';

const STAGE_WORDS: Record<ConvertProgress['stage'], string> = {
  read: 'Reading',
  build: 'Building the graph',
  write: 'Writing shards',
  verify: 'Checking',
  done: 'Done',
};

async function readDirectory(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (!batch.length) return all;
    all.push(...batch);
  }
}

async function collectEntry(
  entry: FileSystemEntry,
  prefix: string,
  out: DroppedFile[],
): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ path, file });
  } else if (entry.isDirectory) {
    for (const child of await readDirectory(entry as FileSystemDirectoryEntry))
      await collectEntry(child, path, out);
  }
}

/** Files from a drop, folders walked (an OGB download is a folder tree). */
async function filesFromDrop(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(dt.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return Array.from(dt.files, (file) => ({ path: file.name, file }));
  const out: DroppedFile[] = [];
  for (const e of entries) await collectEntry(e, '', out);
  return out;
}

function filesFromInput(list: FileList | null): DroppedFile[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function plainError(r: Extract<ConvertResult, { ok: false }>): string {
  if (r.field === 'format') {
    return 'These files do not look like Planetoid files (ind.<name>.x …), an OGB folder (raw/edge.csv.gz …) or CSV files (edges.csv, labels.csv).';
  }
  if (r.file && r.field === 'file') return `A file is missing: ${r.file} (${r.expected}).`;
  return r.message;
}

/** "7 classes", "112 tasks (multi-label)"; older records knew only the kind. */
function labelWords(d: StoredDataset): string {
  if (d.task === 'multilabel')
    return d.numTasks !== undefined ? `${d.numTasks} tasks (multi-label)` : 'multi-label';
  return d.numClasses !== undefined ? `${d.numClasses} classes` : 'classes';
}

function storageProblem(e: unknown): string {
  const why = e instanceof Error ? e.message : String(e);
  return `Browser storage is unavailable here (${why}); converted datasets cannot be kept.`;
}

export interface DatasetImportProps {
  /** Called when a person picks a dataset to train on. */
  onSelect?: (ref: DatasetRef) => void;
  selected?: DatasetRef | null;
  /** Called after a dataset was stored or deleted (so pickers can list it). */
  onStoredChange?: () => void;
}

export function DatasetImport({ onSelect, selected, onStoredChange }: DatasetImportProps) {
  const [stored, setStored] = useState<StoredDataset[]>([]);
  const [storageError, setStorageError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ConvertProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Extract<ConvertResult, { ok: true }> | null>(null);
  const [dragging, setDragging] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setStored(await listStoredDatasets());
      setStorageError(null);
    } catch (e) {
      setStorageError(storageProblem(e));
    }
    onStoredChange?.();
  }, [onStoredChange]);

  useEffect(() => {
    let live = true;
    // Files a crashed conversion left in storage go first (store-staging.ts).
    cleanAbandonedStaging()
      .catch(() => [])
      .then(() => listStoredDatasets())
      .then(
        (list) => live && setStored(list),
        (e) => live && setStorageError(storageProblem(e)),
      );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const convert = useCallback(
    async (files: DroppedFile[]) => {
      if (!files.length || busy) return;
      setBusy(true);
      setError(null);
      setResult(null);
      setProgress({ stage: 'read', label: files[0].path, done: 0, total: 1 });
      const r = await convertInWorker(files, { format: 'auto' }, setProgress);
      setBusy(false);
      setProgress(null);
      if (r.ok) {
        setResult(r);
        await refresh();
      } else {
        setError(plainError(r));
      }
    },
    [busy, refresh],
  );

  const onDrop = async (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    await convert(await filesFromDrop(e.dataTransfer));
  };

  const remove = async (d: StoredDataset) => {
    await deleteStoredDataset(d.id);
    if (result?.dataset.id === d.id) setResult(null);
    await refresh();
  };

  const isSelected = (ref: DatasetRef) =>
    !!selected &&
    selected.kind === ref.kind &&
    (ref.kind === 'builtin'
      ? selected.kind === 'builtin' && selected.name === ref.name
      : selected.kind === 'stored' && selected.id === ref.id);

  const pct =
    progress && progress.total > 0
      ? Math.min(100, Math.round((100 * progress.done) / progress.total))
      : 0;

  return (
    <section
      className="panel"
      aria-labelledby="datasets-title"
      data-testid="dataset-import"
      style={{ marginTop: '1rem' }}
    >
      <h2 id="datasets-title">Datasets</h2>
      <ul
        className="dataset-list"
        data-testid="builtin-datasets"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {BUILTIN_DATASETS.map((d) => {
          const ref: DatasetRef = { kind: 'builtin', name: d.name };
          return (
            <li key={d.name} style={{ margin: '0 0 0.5rem' }}>
              <strong>{d.title}</strong> <span className="muted">built-in</span>
              {onSelect && (
                <button
                  type="button"
                  onClick={() => onSelect(ref)}
                  aria-pressed={isSelected(ref)}
                  aria-label={`Use ${d.title}`}
                  style={{ marginLeft: '0.5rem' }}
                >
                  {isSelected(ref) ? 'Selected' : 'Use'}
                </button>
              )}
              <div className="muted">{d.description}</div>
            </li>
          );
        })}
      </ul>
      <ul
        className="dataset-list"
        data-testid="stored-datasets"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {stored.map((d) => {
          const ref: DatasetRef = { kind: 'stored', id: d.id };
          return (
            <li key={d.id} style={{ margin: '0 0 0.5rem' }} data-testid={`stored-${d.id}`}>
              <strong>{d.id}</strong>{' '}
              <span className="muted">
                {d.numNodes.toLocaleString()} nodes · {labelWords(d)} · {d.shards} shard
                {d.shards === 1 ? '' : 's'} · {formatBytes(d.bytes)} · stored in this browser
              </span>
              {onSelect && (
                <button
                  type="button"
                  onClick={() => onSelect(ref)}
                  aria-pressed={isSelected(ref)}
                  aria-label={`Use ${d.id}`}
                  style={{ marginLeft: '0.5rem' }}
                >
                  {isSelected(ref) ? 'Selected' : 'Use'}
                </button>
              )}
              <button
                type="button"
                onClick={() => void remove(d)}
                style={{ marginLeft: '0.5rem' }}
                aria-label={`Delete ${d.id}`}
              >
                Delete
              </button>
            </li>
          );
        })}
      </ul>
      <div
        data-testid="dataset-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
        style={{
          border: `2px dashed ${dragging ? '#3a6fd8' : '#b9c0cc'}`,
          borderRadius: 8,
          padding: '1rem',
          marginTop: '0.75rem',
          background: dragging ? '#eef3ff' : undefined,
        }}
      >
        <p style={{ margin: '0 0 0.5rem' }}>
          Drop Planetoid files (<code>ind.cora.x</code> …), an OGB folder (<code>ogbn_arxiv/</code>
          ), CSV files (<code>edges.csv</code>, <code>labels.csv</code>) or a dataset folder made by
          the CLI (<code>manifest.json</code> + shards, copied shard by shard, any size) here. They
          are converted here, in your browser, and kept for next time; a dataset past 1 GiB trains
          part by part, read from storage one part at a time.
        </p>
        <label>
          <span className="muted">Files: </span>
          <input
            type="file"
            multiple
            disabled={busy}
            data-testid="dataset-files"
            onChange={(e) => void convert(filesFromInput(e.target.files))}
          />
        </label>{' '}
        <label>
          <span className="muted">A folder: </span>
          <input
            ref={folderInput}
            type="file"
            disabled={busy}
            onChange={(e) => void convert(filesFromInput(e.target.files))}
          />
        </label>
      </div>
      {progress && (
        <div
          role="status"
          aria-live="polite"
          data-testid="dataset-progress"
          style={{ marginTop: '0.5rem' }}
        >
          <progress max={100} value={pct} style={{ width: '100%' }} />
          <div className="muted">
            {STAGE_WORDS[progress.stage]} {progress.label.split('/').slice(-2).join('/')}{' '}
            {progress.stage === 'read' ? `(${pct} %)` : ''}
          </div>
        </div>
      )}
      {error && (
        <p role="alert" data-testid="dataset-error" className="panel warn">
          Could not convert these files. {error}
        </p>
      )}
      {result && (
        <div data-testid="dataset-result" style={{ marginTop: '0.5rem' }}>
          <p style={{ margin: 0 }}>
            Stored <strong>{result.dataset.id}</strong> ({result.format}):{' '}
            {result.dataset.numNodes.toLocaleString()} nodes, {formatBytes(result.dataset.bytes)}.
          </p>
          <ul className="muted">
            {result.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </div>
      )}
      {storageError && <p className="muted">{storageError}</p>}
    </section>
  );
}
