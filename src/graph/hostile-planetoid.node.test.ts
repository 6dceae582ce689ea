// Hostile and corrupted Planetoid inputs (issue 16): each refused quickly by a DatasetError that
// names the pickle, the field, what was expected and what was found — never a loop over a
// corrupt row offset, an allocation implied by one absurd id, or a pickle naming os.system.
import { describe, expect, it } from 'vitest';
import { convertDataset } from './convert/index';
import { memoryInput } from './convert/input';
import { ALLOWED_GLOBALS } from './convert/pickle-globals';
import { MemorySink } from './convert/write';
import { DatasetError } from './errors';
import {
  graphPickle,
  oneHotPickle,
  PickleWriter,
  planetoidFiles,
  smallPlanetoid,
  writeArray,
  type PlanetoidSpec,
} from '../testing/planetoid-pickles';
import { cpuMs } from '../testing/cpu-time';

/** Converts the small dataset after `edit` changed its spec or its files; the error, if any. */
async function convert(
  edit: (spec: PlanetoidSpec) => void = () => {},
  editFiles: (files: Record<string, Uint8Array>) => void = () => {},
): Promise<{ error?: DatasetError; ms: number; sink: MemorySink }> {
  const spec = smallPlanetoid();
  edit(spec);
  const files = planetoidFiles(spec);
  editFiles(files);
  const sink = new MemorySink();
  const t0 = cpuMs();
  try {
    await convertDataset(memoryInput(files, 'in'), sink, { format: 'planetoid', shards: 2 });
    return { ms: cpuMs() - t0, sink };
  } catch (e) {
    const ms = cpuMs() - t0;
    if (!(e instanceof DatasetError)) throw e;
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
    return { error: e, ms, sink };
  }
}

async function refused(
  edit: Parameters<typeof convert>[0],
  message: RegExp,
  editFiles?: Parameters<typeof convert>[1],
) {
  const { error, ms } = await convert(edit, editFiles);
  expect(error, 'refused').toBeInstanceOf(DatasetError);
  expect(error!.message).toMatch(message);
  expect(error!.message.length).toBeLessThan(1200);
  expect(ms, `${ms.toFixed(0)} ms of CPU`).toBeLessThan(3000);
  return error!;
}

describe('Planetoid: sparse matrices are checked before use (defect 1)', () => {
  it('converts the untouched small dataset', async () => {
    const { error, sink } = await convert();
    expect(error).toBeUndefined();
    expect(sink.committed).toBe(true);
  });

  it('refuses a row offset that decreases, naming the pickle and the field', async () => {
    await refused(
      (s) => (s.tx.indptr[3] = s.tx.indptr[2] - 1),
      /^in\/ind\.tiny\.tx: indptr\[3\]: expected a whole number from \d+ \(row offsets never decrease\) to \d+ \(the entry count\), found \d+/,
    );
  });

  it('refuses indptr[1] = 2³⁰ in allx at once (it used to allocate until V8 died)', async () => {
    await refused((s) => (s.allx.indptr[1] = 2 ** 30), /ind\.tiny\.allx: indptr\[1\]: expected/);
  });

  it('refuses a first offset other than 0, a last offset other than nnz, bad column ids and values', async () => {
    await refused((s) => (s.x.indptr[0] = 1), /ind\.tiny\.x: indptr\[0\]: expected 0, found 1/);
    await refused(
      (s) => (s.allx.indptr[s.allx.rows] -= 1),
      /ind\.tiny\.allx: indptr\[520\]: expected \d+ \(the entry count\)/,
    );
    await refused(
      (s) => (s.allx.indices[7] = 5),
      /ind\.tiny\.allx: indices\[7\]: expected a column id in 0\.\.4, found 5/,
    );
    await refused(
      (s) => (s.tx.indices[2] = -3),
      /ind\.tiny\.tx: indices\[2\]: expected a column id in 0\.\.4, found -3/,
    );
    await refused(
      (s) => (s.allx.data[4] = NaN),
      /ind\.tiny\.allx: data\[4\]: expected a finite number within float32 range, found NaN/,
    );
  });
});

describe('Planetoid: ids that imply an absurd graph (defects 2 and 5)', () => {
  it('refuses a test id of 4294967294, saying what it implies', async () => {
    const e = await refused(
      (s) => (s.testIndex = s.testIndex.replace('527', '4294967294')),
      /ind\.tiny\.test\.index: line 3: expected a node id below 33554432 \(the default --max-nodes\), found 4294967294, which implies a graph of 4294967295 nodes/,
    );
    expect(e.field).toBe('line 3');
  });

  it('refuses a test id far past the test range (billions of featureless nodes)', async () => {
    await refused(
      (s) => (s.testIndex = s.testIndex.replace('527', '900000')),
      /test\.index: line 3: expected an id below 534 \(at most as many ids of the test range without a row in tx as rows in tx, 7\), found 900000, which implies 899474 featureless nodes/,
    );
  });

  it('refuses a neighbour id equal to N and a key past it', async () => {
    await refused(
      (s) => s.graph[5][1].push(528),
      /ind\.tiny\.graph: graph\[5\]: expected neighbour ids below 528 \(the 520 rows of allx and the test range of test\.index\), found 528, which implies a graph of 529 nodes/,
    );
    await refused(
      (s) => s.graph.push([2000000000, [1]]),
      /ind\.tiny\.graph: key: expected a node id below 528 .*found 2000000000, which implies a graph of 2000000001 nodes/,
    );
  });

  it('refuses two-hot and empty training label rows; reports empty test label rows', async () => {
    await refused(
      () => {},
      /ind\.tiny\.ty: row 2: expected exactly one class set per labelled row, found classes 1 and 2/,
      (f) => {
        const ty = smallPlanetoid().ty;
        const a = new Int32Array(ty.length * 3);
        ty.forEach((c, i) => (a[i * 3 + c] = 1));
        a[2 * 3 + 1] = 1;
        f['ind.tiny.ty'] = writeArray(
          new PickleWriter(),
          'i4',
          [ty.length, 3],
          new Uint8Array(a.buffer),
        ).finish();
      },
    );
    await refused(
      (s) => (s.y[4] = -1),
      /ind\.tiny\.y: row 4: expected one class set, the class of ally row 4 \(1\): y labels the training nodes, found no class set/,
    );
    const { error, sink } = await convert((s) => (s.ty[1] = -1));
    expect(error).toBeUndefined();
    const manifest = JSON.parse(new TextDecoder().decode(sink.files.get('manifest.json')));
    expect(manifest.notes).toContain('2 nodes have no label');
  });

  it('refuses one list shared by many keys (a memo reference that multiplies edges)', async () => {
    const w = new PickleWriter();
    w.global('collections', 'defaultdict').global('__builtin__', 'list').raw(0x85, 0x52);
    w.mark().int(0).raw(0x5d, 0x71, 1).mark().int(1).int(2).raw(0x65);
    for (let k = 1; k < 528; k++) w.int(k).raw(0x68, 1);
    w.raw(0x75);
    await refused(
      () => {},
      /ind\.tiny\.graph: graph\[1\]: expected a list of its own, found the same list object as graph\[0\]/,
      (f) => (f['ind.tiny.graph'] = w.finish()),
    );
  });

  it('reads an adjacency list of 200 000 entries appended at once (no spread on the call stack)', async () => {
    const spec = smallPlanetoid();
    spec.graph[0][1] = Array.from({ length: 200_000 }, (_, i) => 1 + (i % 500));
    const files = planetoidFiles(spec);
    const sink = new MemorySink();
    await convertDataset(memoryInput(files), sink, { format: 'planetoid', shards: 1 });
    expect(sink.committed).toBe(true);
  });
});

describe('Planetoid: only the globals Planetoid files use (defect 3)', () => {
  it('lists numpy, scipy.sparse and collections constructors, nothing that runs code', () => {
    expect(ALLOWED_GLOBALS).toContain('scipy.sparse.csr.csr_matrix');
    expect(ALLOWED_GLOBALS).toContain('collections.defaultdict');
    for (const g of ALLOWED_GLOBALS)
      expect(g).toMatch(
        /^(numpy|scipy\.sparse|collections|__builtin__|builtins|copy_?reg|_codecs)\./,
      );
    expect(ALLOWED_GLOBALS.filter((g) => /eval|exec|system|open|getattr|import/.test(g))).toEqual(
      [],
    );
  });

  it('refuses os.system as the graph’s defaultdict factory, by name', async () => {
    const e = await refused(
      () => {},
      /ind\.tiny\.graph: pickle byte offset \d+: expected a global Planetoid files use \(the numpy, scipy\.sparse and collections constructors: .*\), found the global os\.system, refused: a Python loader would import and call it/,
      (f) => (f['ind.tiny.graph'] = graphPickle(smallPlanetoid().graph, ['os', 'system'])),
    );
    expect(e.found).toContain('os.system');
  });

  it('refuses builtins.eval inside an array’s state', async () => {
    await refused(
      () => {},
      /ind\.tiny\.ally: pickle byte offset \d+: .*found the global builtins\.eval/,
      (f) => (f['ind.tiny.ally'] = oneHotPickle(smallPlanetoid().ally, 3, ['builtins', 'eval'])),
    );
  });

  it('refuses a class named scipy.sparse.system', async () => {
    await refused(
      (s) => (s.tx.cls = ['scipy.sparse', 'system']),
      /ind\.tiny\.tx: pickle byte offset 2: .*found the global scipy\.sparse\.system/,
    );
  });

  it('accepts the same matrix under scipy’s newer module name', async () => {
    const { error } = await convert((s) => (s.tx.cls = ['scipy.sparse._csr', 'csr_matrix']));
    expect(error).toBeUndefined();
  });
});

describe('Planetoid: no raw runtime error, no huge message (defect 6)', () => {
  it('reads 100 000 nested lists without overflowing the stack, then refuses the shape', async () => {
    const w = new PickleWriter();
    for (let i = 0; i < 100_000; i++) w.raw(0x5d);
    for (let i = 0; i < 99_999; i++) w.raw(0x61);
    await refused(
      () => {},
      /ind\.tiny\.graph: pickled object: expected a dict of adjacency lists, found a tuple\/list of 1/,
      (f) => (f['ind.tiny.graph'] = w.finish()),
    );
  });

  it('refuses a nested tuple as a dict key and a 1 MB integer', async () => {
    const key = new PickleWriter();
    key.global('collections', 'defaultdict').global('__builtin__', 'list').raw(0x85, 0x52);
    key.raw(0x5d).raw(0x85, 0x85).raw(0x5d, 0x73);
    await refused(
      () => {},
      /ind\.tiny\.graph: pickle byte offset \d+: expected a dict key \(a number, a string or a tuple of them\), found a tuple\/list of 1/,
      (f) => (f['ind.tiny.graph'] = key.finish()),
    );
    const head = new PickleWriter()
      .raw(0x8b)
      .u32(1 << 20)
      .finish()
      .subarray(0, -1);
    const bytes = new Uint8Array(head.length + (1 << 20) + 1);
    bytes.set(head);
    bytes[bytes.length - 1] = 0x2e;
    await refused(
      () => {},
      /ind\.tiny\.graph: pickle byte offset 2: expected an integer of at most 256 bytes, found 1048576 bytes/,
      (f) => (f['ind.tiny.graph'] = bytes),
    );
  });

  it('cuts a 300 KB token in test.index to a short quote', async () => {
    const e = await refused(
      (s) => (s.testIndex = 'x'.repeat(300_000) + '\n' + s.testIndex),
      /ind\.tiny\.test\.index: line 1: expected a node id \(a whole number\), found "x{40}"… \(300000 characters\)/,
    );
    expect(e.message.length).toBeLessThan(200);
  });

  it('a truncated pickle names the file and where it ends', async () => {
    await refused(
      () => {},
      /ind\.tiny\.allx: pickle byte offset \d+: expected \d+ more bytes for BINSTRING, found the end of the file/,
      (f) => (f['ind.tiny.allx'] = f['ind.tiny.allx'].subarray(0, 300)),
    );
  });
});
