// Trained weights (and the optimizer's state) as a file: download after a run, load to continue
// training or to start from them. The file carries its own model configuration. The same weights
// go out as a PyTorch package, and come back as the safetensors its train.py writes.
import { useId, useState } from 'react';
import type { EngineClient } from '../../worker/client';
import type { WeightsInfo } from '../../worker/protocol';
import { download, fileName } from '../export/download';
import { pytorchExport } from '../export/pytorch-export';
import type { RunConfig } from '../state/run-config';

export interface LoadedWeights {
  info: WeightsInfo;
  file: string;
  /** The next run continues from these weights. */
  use: boolean;
}

interface Props {
  client: EngineClient | null;
  canExport: boolean;
  busy: boolean;
  loaded: LoadedWeights | null;
  onLoaded(w: LoadedWeights | null): void;
  cfg: RunConfig;
}

export function WeightsControls({ client, canExport, busy, loaded, onLoaded, cfg }: Props) {
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const save = async () => {
    setProblem(null);
    const bytes = await client?.exportWeights();
    if (!bytes) {
      setProblem('No weights yet: finish at least one epoch.');
      return;
    }
    const m = cfg.model;
    download(
      fileName('revgnn', m.model, `${m.layers}x${m.channels}`, `seed${cfg.seed}`) + '.rgnn',
      bytes as Uint8Array<ArrayBuffer>,
      'application/octet-stream',
    );
  };

  const exportPytorch = async () => {
    setProblem(null);
    setExporting(true);
    try {
      const bytes = await client?.exportWeights();
      if (!bytes) {
        setProblem('No weights yet: finish at least one epoch.');
        return;
      }
      const { name, zip } = await pytorchExport(bytes, cfg);
      download(name, zip as Uint8Array<ArrayBuffer>, 'application/zip');
    } catch (e) {
      setProblem(`Export to PyTorch: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const load = async (file: File | undefined) => {
    if (!file || !client) return;
    setProblem(null);
    try {
      const info = await client.loadWeights(new Uint8Array(await file.arrayBuffer()), file.name);
      onLoaded({ info, file: file.name, use: true });
    } catch (e) {
      onLoaded(null);
      setProblem(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <div className="weights" data-testid="weights">
      <button
        type="button"
        disabled={!canExport || busy}
        onClick={() => void save()}
        data-testid="weights-download"
      >
        Download weights
      </button>
      <button
        type="button"
        disabled={!canExport || busy || exporting}
        onClick={() => void exportPytorch()}
        data-testid="weights-export-pytorch"
        title="The network, these weights, the data and a trainer as a Python (PyTorch) package: train it on GPUs or across machines, load its weights back here"
      >
        {exporting ? 'Exporting…' : 'Export to PyTorch'}
      </button>
      <label htmlFor={id} className="file-button">
        Load weights…
      </label>
      <input
        id={id}
        type="file"
        accept=".rgnn,.safetensors,application/octet-stream"
        className="visually-hidden"
        disabled={busy}
        data-testid="weights-file"
        onChange={(e) => {
          void load(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      {loaded && (
        <div className="loaded" data-testid="weights-loaded">
          <span>
            {loaded.file}: {loaded.info.model.model} {loaded.info.model.layers} ×{' '}
            {loaded.info.model.channels}, after epoch {loaded.info.epoch}
            {loaded.info.dataset ? ` on ${loaded.info.dataset}` : ''} (
            {loaded.info.params.toLocaleString()} parameters).
          </span>
          <label className="check">
            <input
              type="checkbox"
              checked={loaded.use}
              disabled={busy}
              onChange={(e) => onLoaded({ ...loaded, use: e.target.checked })}
            />
            continue from these weights
          </label>
          <button
            type="button"
            className="small"
            disabled={busy}
            onClick={() => {
              void client?.clearLoadedWeights();
              onLoaded(null);
            }}
          >
            Forget
          </button>
        </div>
      )}
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
