// One loader for the browser and Node: a DatasetSource reads files by name (fetch from the page's
// server, the Node filesystem in node-source.ts, the browser store in store.ts); loadDataset reads
// the manifest and the chosen shards with progress, validates everything, and assembles the
// induced subgraph of the loaded nodes.
import { DatasetError } from './errors';
import { MANIFEST_FILE, type DatasetManifest, type ShardData } from './format';
import { assembleSubgraph, randomParts, shardParts, type GraphPart } from './subgraph';
import type { Subgraph } from './types';
import { chooseShards, locate, readShard } from './shard-reader';
import { parseManifest } from './validate';

/** Where a dataset's files come from. A missing file must throw a DatasetError naming it. */
export interface DatasetSource {
  /** A human-readable location for messages (a URL, a folder, "browser storage: name"). */
  readonly label: string;
  readText(name: string): Promise<string>;
  /** `onProgress(loaded, total)`: total is undefined when unknown. */
  readBytes(
    name: string,
    onProgress?: (loaded: number, total?: number) => void,
  ): Promise<Uint8Array>;
  /**
   * Optional: reads a file into `scratch` when it fits and returns a view of it (valid until the
   * next read into the same scratch), else a new buffer. Streaming part by part reads every shard
   * through one buffer this way instead of leaving one dead buffer per shard to the collector.
   */
  readBytesInto?(name: string, scratch: Uint8Array): Promise<Uint8Array>;
}

export interface LoadProgress {
  phase: 'manifest' | 'shards' | 'assemble' | 'done';
  /** The file being read, if any. */
  file?: string;
  loadedBytes: number;
  totalBytes: number;
  shardsDone: number;
  shardsTotal: number;
}

export interface LoadOptions {
  /** Which shards (indices into manifest.shards); all when absent. */
  shards?: number[];
  onProgress?: (p: LoadProgress) => void;
  /** Check that a symmetric dataset's edges all have their reverse (default true; all shards). */
  checkSymmetry?: boolean;
}

export interface LoadedDataset {
  manifest: DatasetManifest;
  /** Where it came from (the source's label). */
  location: string;
  /** Indices of the loaded shards, ascending. */
  shards: number[];
  /** The induced subgraph on the loaded shards' nodes (local ids in ascending global id). */
  graph: Subgraph;
  /** Each loaded shard's nodes as local ids of `graph`, in the order of `shards`. */
  shardNodes: Uint32Array[];
}

/** Reads and validates the manifest only (cheap: lists counts, task and shards for a picker). */
export async function loadManifest(source: DatasetSource): Promise<DatasetManifest> {
  const text = await source.readText(MANIFEST_FILE);
  return parseManifest(text, locate(source, MANIFEST_FILE));
}

/** Loads, validates and assembles a dataset (or the chosen shards of it). */
export async function loadDataset(
  source: DatasetSource,
  opts: LoadOptions = {},
): Promise<LoadedDataset> {
  const report = opts.onProgress ?? (() => {});
  report({
    phase: 'manifest',
    file: MANIFEST_FILE,
    loadedBytes: 0,
    totalBytes: 0,
    shardsDone: 0,
    shardsTotal: 0,
  });
  const manifest = await loadManifest(source);
  const chosen = chooseShards(source, manifest, opts.shards, MANIFEST_FILE);
  const totalBytes = chosen.reduce((t, s) => t + manifest.shards[s].bytes, 0);
  let doneBytes = 0;
  const shards: ShardData[] = [];
  for (let c = 0; c < chosen.length; c++) {
    const entry = manifest.shards[chosen[c]];
    const p = {
      phase: 'shards' as const,
      file: entry.file,
      totalBytes,
      shardsDone: c,
      shardsTotal: chosen.length,
    };
    report({ ...p, loadedBytes: doneBytes });
    shards.push(
      await readShard(source, manifest, chosen[c], (loaded) =>
        report({ ...p, loadedBytes: doneBytes + loaded }),
      ),
    );
    doneBytes += entry.bytes;
  }
  report({
    phase: 'assemble',
    loadedBytes: doneBytes,
    totalBytes,
    shardsDone: chosen.length,
    shardsTotal: chosen.length,
  });
  let assembled;
  try {
    assembled = assembleSubgraph(manifest, shards, { checkSymmetry: opts.checkSymmetry });
  } catch (e) {
    if (e instanceof DatasetError && e.file === MANIFEST_FILE && source.label) {
      throw e.at(locate(source, e.file));
    }
    throw e;
  }
  report({
    phase: 'done',
    loadedBytes: doneBytes,
    totalBytes,
    shardsDone: chosen.length,
    shardsTotal: chosen.length,
  });
  return {
    manifest,
    location: source.label,
    shards: chosen,
    graph: assembled.graph,
    shardNodes: assembled.shardNodes,
  };
}

/** How the loaded nodes are cut into optimizer steps. */
export type StepPlan = { kind: 'random'; parts: number; seed: number } | { kind: 'shards' };

/**
 * The steps of one epoch: P random parts drawn afresh for this epoch (seeded by seed and epoch),
 * or one step per loaded shard. Each part is an induced Subgraph with local ids.
 */
export function epochParts(ds: LoadedDataset, plan: StepPlan, epoch: number): GraphPart[] {
  if (plan.kind === 'shards') {
    return shardParts({ graph: ds.graph, shardNodes: ds.shardNodes });
  }
  return randomParts(ds.graph, plan.parts, plan.seed, epoch);
}

// ---- fetch ----

/** Reads files over HTTP(S) relative to a base URL (the page's /datasets/<name>/ folder). */
export class FetchSource implements DatasetSource {
  readonly label: string;
  private readonly base: string;

  constructor(baseUrl: string | URL) {
    const s = String(baseUrl);
    this.base = s.endsWith('/') ? s : s + '/';
    this.label = this.base.replace(/\/$/, '');
  }

  private async get(name: string): Promise<Response> {
    const url = this.base + name;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new DatasetError(
        url,
        'file',
        'a reachable file',
        `a network error (${(e as Error).message})`,
      );
    }
    // A dev server answers unknown paths with its index page: treat HTML as missing.
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || type.includes('text/html')) {
      throw new DatasetError(
        url,
        'file',
        'the file to exist (HTTP 200)',
        res.ok
          ? 'an HTML page instead (the file is missing)'
          : `HTTP ${res.status} ${res.statusText}`.trim(),
      );
    }
    return res;
  }

  async readText(name: string): Promise<string> {
    return (await this.get(name)).text();
  }

  async readBytes(
    name: string,
    onProgress?: (loaded: number, total?: number) => void,
  ): Promise<Uint8Array> {
    const res = await this.get(name);
    const len = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(len) && !res.headers.get('content-encoding') ? len : undefined;
    if (!res.body || !onProgress) return new Uint8Array(await res.arrayBuffer());
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress(loaded, total);
    }
    const out = new Uint8Array(loaded);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** In-memory files (tests, and a dataset just converted in the page). */
export class MemorySource implements DatasetSource {
  constructor(
    readonly files: Map<string, Uint8Array>,
    readonly label = '',
  ) {}

  private get(name: string): Uint8Array {
    const b = this.files.get(name);
    if (!b)
      throw new DatasetError(
        this.label ? `${this.label}/${name}` : name,
        'file',
        'the file to exist',
        'no such file',
      );
    return b;
  }

  async readText(name: string): Promise<string> {
    return new TextDecoder().decode(this.get(name));
  }

  async readBytes(
    name: string,
    onProgress?: (loaded: number, total?: number) => void,
  ): Promise<Uint8Array> {
    const b = this.get(name);
    onProgress?.(b.length, b.length);
    return b;
  }
}
