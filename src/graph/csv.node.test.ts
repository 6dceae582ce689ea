import { describe, expect, it } from 'vitest';
import { convertDataset } from './convert/index';
import { memoryInput } from './convert/input';
import { readCsv } from './convert/csv';
import { MemorySink } from './convert/write';
import { loadDataset, MemorySource } from './load';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from './types';

describe('CSV converter', () => {
  it('reads headerless edges, features, labels and a split', async () => {
    const input = memoryInput({
      'edges.csv': '0,1\n1,2\n2,2\n3,0\n1,0\n0,1\n',
      'features.csv': '1,0\n0,1\n0.5,0.5\n2,2\n',
      'labels.csv': '0\n1\n1\n0\n',
      'split.csv': 'train\nvalid\ntest\ntrain\n',
    });
    const { graph, meta } = await readCsv(input, { name: 'tiny' });
    expect(graph.numNodes).toBe(4);
    expect(Array.from(graph.adj.rowPtr)).toEqual([0, 2, 4, 5, 6]);
    expect(Array.from(graph.adj.colIdx)).toEqual([1, 3, 0, 2, 1, 0]);
    expect(graph.labels).toMatchObject({ kind: 'multiclass', numClasses: 2 });
    expect(Array.from(graph.split)).toEqual([SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST, SPLIT_TRAIN]);
    expect(meta.notes.join('\n')).toMatch(/1 self-loops dropped/);
    expect(meta.notes.join('\n')).toMatch(/1 repeated edges collapsed/);
  });

  it('reads headers, id columns, class names, tabs; makes a seeded split when there is none', async () => {
    const files = {
      'g/links.tsv': 'src\tdst\tweight\n0\t1\t0.5\n2\t1\t0.25\n',
      'g/node_features.csv': 'id,a,b\n2,5,6\n0,1,2\n1,3,4\n',
      'g/labels.csv': 'node,label\n0,cat\n1,dog\n2,\n',
    };
    const { graph, meta } = await readCsv(memoryInput(files), { seed: 4 });
    expect(graph.numNodes).toBe(3);
    expect(graph.features.kind === 'dense' && Array.from(graph.features.data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(graph.labels.kind === 'multiclass' && Array.from(graph.labels.y)).toEqual([0, 1, -1]);
    expect(graph.edgeFeatures?.dim).toBe(1);
    expect(meta.notes.join('\n')).toMatch(/0 = cat, 1 = dog/);
    expect(meta.notes.join('\n')).toMatch(
      /random 60\/20\/20 split of the 2 labelled nodes \(seed 4\)/,
    );
    expect(graph.split[2]).toBe(0);
  });

  it('converts and loads multi-label CSV end to end; refuses bad ids with the line', async () => {
    const input = memoryInput({
      'edges.csv': '0,1\n1,2\n',
      'labels.csv': '1,0,1\n0,0,1\n1,1,0\n',
    });
    const sink = new MemorySink();
    const { manifest } = await convertDataset(input, sink, {
      format: 'csv',
      name: 'ml',
      shards: 2,
    });
    expect(manifest).toMatchObject({ task: 'multilabel', numTasks: 3, metric: 'rocauc' });
    expect(manifest.features.derived).toMatch(/constant 1 and log\(1 \+ in-degree\)/);
    const ds = await loadDataset(new MemorySource(sink.files));
    expect(ds.graph.numNodes).toBe(3);

    const bad = memoryInput({ 'edges.csv': '0,1\n1,x\n', 'labels.csv': '0\n1\n' }, 'in');
    const sink2 = new MemorySink();
    await expect(convertDataset(bad, sink2, { format: 'csv' })).rejects.toThrow(
      'in/edges.csv: line 2, target: expected a node id (an integer ≥ 0), found "x"',
    );
    expect(sink2.files.size).toBe(0);
    expect(sink2.aborted).toBe(true);
  });
});
