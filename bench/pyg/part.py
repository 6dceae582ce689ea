"""Reads a RevGNN Studio dataset folder of one shard (docs/dataset-format.md) into tensors.

The device check writes its generated part this way, so the engine and this peer train on the
same bytes.
"""
import json
import os

import numpy as np

MAGIC = 0x534E4752


class Part:
    """One graph: CSR of in-edges (row i lists sources j of j -> i), features, labels, split."""

    def __init__(self, folder):
        with open(os.path.join(folder, "manifest.json")) as f:
            m = json.load(f)
        if m.get("format") != "revgnn-dataset" or m.get("version") != 1:
            raise ValueError(f"{folder}/manifest.json: expected a revgnn-dataset of version 1")
        if len(m["shards"]) != 1:
            raise ValueError(f"{folder}: expected one shard, found {len(m['shards'])}")
        if m["features"]["kind"] != "dense":
            raise ValueError(f"{folder}: expected dense node features, found {m['features']['kind']}")
        path = os.path.join(folder, m["shards"][0]["file"])
        buf = np.fromfile(path, dtype=np.uint8)
        head = buf[:64].view("<u4")
        if head[0] != MAGIC or head[1] != 1:
            raise ValueError(f"{path}: not a version-1 shard (magic {head[0]:#x})")
        n, e, _, dim, _, label_kind, width, edge_dim, total = (int(v) for v in head[3:12])
        if n != total:
            raise ValueError(f"{path}: the shard holds {n} of {total} nodes; expected all")
        off = 64

        def take(dtype, count):
            nonlocal off
            size = np.dtype(dtype).itemsize * count
            out = buf[off : off + size].view(dtype)
            off += (size + 3) // 4 * 4
            return out

        ids = take("<u4", n)
        if not np.array_equal(ids, np.arange(n, dtype=np.uint32)):
            raise ValueError(f"{path}: global ids are not 0..{n - 1}")
        self.split = take("u1", n).astype(np.int64)
        if label_kind == 2:
            stride = (width + 7) // 8
            bits = take("u1", n * stride).reshape(n, stride)
            self.y = np.unpackbits(bits, axis=1, bitorder="little")[:, :width].astype(np.float32)
            self.multilabel = True
        else:
            self.y = take("<i4", n).astype(np.int64)
            self.multilabel = False
        self.x = take("<f4", n * dim).reshape(n, dim)
        self.rowptr = take("<u4", n + 1).astype(np.int64)
        self.col = take("<u4", e).astype(np.int64)
        self.edge_attr = take("<f4", e * edge_dim).reshape(e, edge_dim) if edge_dim else None
        self.row = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.rowptr))
        self.num_nodes = n
        self.num_edges = e
        self.outputs = width
