"""RevGNN Studio dataset folders (manifest.json + shard-NNN.bin, docs/dataset-format.md) read into
numpy arrays, and a part of them as the tensors a step needs. The engine's random node partitions
(the same parts per epoch and evaluation partitions for the same seed) are in partitions.py."""
import json
import os
import zlib

import numpy as np
import torch

from layers import Graph
from partitions import Plan, eval_parts, step_seed, train_parts  # noqa: F401 (re-exported)

FORMAT_NAME = "revgnn-dataset"
FORMAT_VERSION = 1
SHARD_MAGIC = 0x534E4752
HEADER_BYTES = 64
SPLIT_NONE, SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST = 0, 1, 2, 3
#: Datasets with more shard bytes than this are read part by part by the engine (streamed).
STREAM_ABOVE_BYTES = 1024**3

_M = 0xFFFFFFFF


class DatasetError(ValueError):
    def __init__(self, file, field, expected, found):
        super().__init__(f"{file}: {field}: expected {expected}, found {found}")


# ---------------------------------------------------------------------------------------------
# Reading.


class Dataset:
    """The loaded nodes (local ids in ascending global id) and everything a step needs."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def num_edges(self):
        return int(self.row_ptr[-1])


def _header(buf, file):
    if len(buf) < HEADER_BYTES:
        raise DatasetError(file, "header", f"at least {HEADER_BYTES} bytes", f"{len(buf)} bytes")
    h = np.frombuffer(buf[:48], dtype="<u4")
    names = ["magic", "version", "index", "nodes", "edges", "featureKind", "featureDim", "featureNnz"]
    names += ["labelKind", "labelWidth", "edgeFeatureDim", "totalNodes"]
    out = dict(zip(names, (int(v) for v in h)))
    if out["magic"] != SHARD_MAGIC:
        raise DatasetError(file, "magic", '0x534e4752 ("RGNS")', hex(out["magic"]))
    if out["version"] != FORMAT_VERSION:
        raise DatasetError(file, "header.version", FORMAT_VERSION, out["version"])
    return out


def _read_shard(folder, manifest, index):
    entry = manifest["shards"][index]
    file = os.path.join(folder, entry["file"])
    with open(file, "rb") as f:
        buf = f.read()
    if len(buf) != entry["bytes"]:
        expected = f'{entry["bytes"]} bytes (manifest.json shards[{index}].bytes)'
        raise DatasetError(file, "file size", expected, f"{len(buf)} bytes")
    crc = f"{zlib.crc32(buf) & _M:08x}"
    if crc != entry["crc32"]:
        raise DatasetError(file, "crc32", f'{entry["crc32"]} (manifest.json shards[{index}].crc32)', crc)
    h = _header(buf, file)
    n, e, off = h["nodes"], h["edges"], HEADER_BYTES

    def take(dtype, count, pad_to=None):
        nonlocal off
        size = np.dtype(dtype).itemsize * count
        arr = np.frombuffer(buf, dtype=dtype, count=count, offset=off)
        off += size if pad_to is None else pad_to
        return arr

    pad4 = lambda k: (k + 3) & ~3  # noqa: E731
    gids = take("<u4", n).astype(np.int64)
    split = take("u1", n, pad4(n))
    if h["labelKind"] == 2:
        width = (h["labelWidth"] + 7) // 8
        bits = take("u1", n * width, pad4(n * width)).reshape(n, width)
        labels = np.unpackbits(bits, axis=1, bitorder="little")[:, : h["labelWidth"]].astype(np.float32)
    else:
        labels = take("<i4", n).astype(np.int64)
    if h["featureKind"] == 2:
        fptr = take("<u4", n + 1).astype(np.int64)
        fcol = take("<u4", h["featureNnz"]).astype(np.int64)
        fval = take("<f4", h["featureNnz"])
        features = ("sparse", fptr, fcol, fval)
    else:
        features = ("dense", take("<f4", n * h["featureDim"]).reshape(n, h["featureDim"]))
    rptr = take("<u4", n + 1).astype(np.int64)
    cols = take("<u4", e).astype(np.int64)
    ef = take("<f4", e * h["edgeFeatureDim"]).reshape(e, h["edgeFeatureDim"]) if h["edgeFeatureDim"] else None
    return dict(gids=gids, split=split, labels=labels, features=features, rptr=rptr, cols=cols, ef=ef, header=h)


def _ranges(starts, lens):
    """Indices of the concatenated ranges [starts[i], starts[i] + lens[i])."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    return offsets + np.arange(total, dtype=np.int64)


def load_dataset(folder, shards=None):
    """Reads the manifest and the chosen shards (default all) into one Dataset."""
    mfile = os.path.join(folder, "manifest.json")
    with open(mfile, encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT_NAME:
        raise DatasetError(mfile, "format", f'"{FORMAT_NAME}"', json.dumps(manifest.get("format")))
    if manifest.get("version") != FORMAT_VERSION:
        raise DatasetError(mfile, "version", FORMAT_VERSION, manifest.get("version"))
    chosen = list(range(len(manifest["shards"]))) if shards is None else sorted(shards)
    read = [_read_shard(folder, manifest, s) for s in chosen]
    gids = np.concatenate([r["gids"] for r in read])
    order = np.argsort(gids, kind="stable")
    gids = gids[order]
    local = np.full(manifest["numNodes"], -1, dtype=np.int64)
    local[gids] = np.arange(len(gids))
    n = len(gids)
    cat = lambda key: np.concatenate([r[key] for r in read])[order]  # noqa: E731
    split, labels = cat("split"), cat("labels")
    # Rows in ascending global id; columns mapped to local ids, edges to unloaded nodes dropped.
    lens = np.concatenate([np.diff(r["rptr"]) for r in read])
    bases = np.cumsum([0] + [len(r["cols"]) for r in read])[:-1]
    starts = np.concatenate([b + r["rptr"][:-1] for b, r in zip(bases, read)])
    all_cols = np.concatenate([r["cols"] for r in read])
    idx = _ranges(starts[order], lens[order])
    row_of = np.repeat(np.arange(n), lens[order])
    cols = local[all_cols[idx]]
    keep = cols >= 0
    cols, row_of, idx = cols[keep], row_of[keep], idx[keep]
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(row_of, minlength=n))]).astype(np.int64)
    ef = None
    if read[0]["ef"] is not None:
        ef = np.concatenate([r["ef"] for r in read])[idx]
    if read[0]["features"][0] == "dense":
        features = ("dense", np.concatenate([r["features"][1] for r in read])[order])
    else:
        flens = np.concatenate([np.diff(r["features"][1]) for r in read])
        fbases = np.cumsum([0] + [len(r["features"][2]) for r in read])[:-1]
        fstarts = np.concatenate([b + r["features"][1][:-1] for b, r in zip(fbases, read)])
        fidx = _ranges(fstarts[order], flens[order])
        fcol = np.concatenate([r["features"][2] for r in read])[fidx]
        fval = np.concatenate([r["features"][3] for r in read])[fidx]
        fptr = np.concatenate([[0], np.cumsum(flens[order])]).astype(np.int64)
        features = ("sparse", fptr, fcol, fval)
    shard_members = [np.sort(local[r["gids"]]) for r in read]
    return Dataset(
        folder=folder,
        manifest=manifest,
        shards=chosen,
        shard_members=shard_members,
        shard_bytes=sum(manifest["shards"][s]["bytes"] for s in chosen),
        num_nodes=n,
        global_ids=gids,
        split=split,
        labels=labels,
        features=features,
        row_ptr=row_ptr,
        cols=cols,
        edge_features=ef,
        task=manifest["task"],
    )


# ---------------------------------------------------------------------------------------------
# A part as tensors.


class Part:
    """An induced subgraph on `nodes` (ascending local ids of the dataset) as tensors."""

    def __init__(self, ds, nodes, device="cpu"):
        nodes = np.asarray(nodes, dtype=np.int64)
        self.nodes = nodes
        n = len(nodes)
        local = np.full(ds.num_nodes, -1, dtype=np.int64)
        local[nodes] = np.arange(n)
        lens = ds.row_ptr[nodes + 1] - ds.row_ptr[nodes]
        idx = _ranges(ds.row_ptr[nodes], lens)
        rows = np.repeat(np.arange(n), lens)
        cols = local[ds.cols[idx]]
        keep = cols >= 0
        rows, cols, idx = rows[keep], cols[keep], idx[keep]
        if ds.features[0] == "dense":
            x = torch.from_numpy(np.ascontiguousarray(ds.features[1][nodes])).to(device)
        else:
            fptr, fcol, fval = ds.features[1:]
            flens = fptr[nodes + 1] - fptr[nodes]
            fidx = _ranges(fptr[nodes], flens)
            frow = torch.from_numpy(np.repeat(np.arange(n), flens))
            fc = torch.from_numpy(fcol[fidx])
            dim = ds.manifest["features"]["dim"]
            x = torch.sparse_coo_tensor(
                torch.stack([frow, fc]), torch.from_numpy(fval[fidx].copy()), (n, dim)
            ).coalesce().to(device)
        ef = None
        if ds.edge_features is not None:
            ef = torch.from_numpy(np.ascontiguousarray(ds.edge_features[idx])).to(device)
        self.graph = Graph(n, torch.from_numpy(rows).to(device), torch.from_numpy(cols).to(device), x, ef)
        self.split = torch.from_numpy(ds.split[nodes].astype(np.int64)).to(device)
        self.labels = torch.from_numpy(np.ascontiguousarray(ds.labels[nodes])).to(device)
        self.task = ds.task

    @property
    def num_nodes(self):
        return self.graph.num_nodes

    def labelled(self, code):
        """Nodes of split `code` that carry a label (the loss's denominator)."""
        in_split = self.split == code
        if self.task == "multiclass":
            in_split = in_split & (self.labels >= 0)
        return in_split


def dims_of(ds):
    m = ds.manifest
    return {
        "input": m["features"]["dim"],
        "output": m["numClasses"] if m["task"] == "multiclass" else m["numTasks"],
        "edge": (m.get("edgeFeatures") or {}).get("dim", 0),
    }
