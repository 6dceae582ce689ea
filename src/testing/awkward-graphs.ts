// Small square CSRs that break naive attention and aggregation code: isolated nodes, stored
// self-loops (alone and among edges), a single node, no edges at all.
import type { Csr } from '../graph/types';
import { initStream } from '../nn/params';
import { csrFromPairs, randomCsr } from '../reference/sparse';

export const AWKWARD_GRAPHS: { name: string; a: Csr }[] = [
  { name: 'random, some isolated nodes', a: randomCsr(7, 7, 1.5, initStream(3)) },
  {
    name: 'stored self-loops only',
    a: csrFromPairs(3, 3, [
      [0, 0],
      [1, 1],
      [2, 2],
    ]),
  },
  {
    name: 'stored self-loops among edges',
    a: csrFromPairs(4, 4, [
      [0, 1],
      [0, 0],
      [1, 2],
      [2, 2],
      [2, 0],
      [3, 3],
    ]),
  },
  { name: 'one node', a: csrFromPairs(1, 1, []) },
  { name: 'no edges', a: csrFromPairs(3, 3, []) },
];
