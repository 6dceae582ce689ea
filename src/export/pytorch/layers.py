"""The engine's building blocks in plain PyTorch: shared dropout (the engine's hash, bit for bit),
the graph a step sees, the operators (GCN, SAGE, GEN; GAT in gat.py), LayerNorm, the pre-activation block
function f(x) = Conv(Dropout_shared(ReLU(LayerNorm(x)))) and the head.

Weights are stored as the engine stores them: a weight is (in, out) and y = x @ W + b (PyTorch's
nn.Linear keeps the transpose).
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from aggregate import GEN_AGGREGATIONS, gen_aggregate
from gat import GATConv

LAYER_NORM_EPS = 1e-5
EXPORTABLE_OPS = ("gcn", "sage", "gen", "gat")
#: Operators that read the shared edge embedding when the data has edge features.
EDGE_OPS = ("gen", "gat")

_U32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# Shared dropout: the engine's counter-based hash (shaders/dropout.wgsl), never a torch RNG.


def _mix32_int(v):
    """lowbias32 on a Python int."""
    h = v & _U32
    h ^= h >> 16
    h = (h * 0x21F0AAAD) & _U32
    h ^= h >> 15
    h = (h * 0x735A2D97) & _U32
    h ^= h >> 15
    return h


def _mix32(h):
    """lowbias32 on an int64 tensor holding u32 values (the products stay below 2^63)."""
    h = h ^ (h >> 16)
    h = (h * 0x21F0AAAD) & _U32
    h = h ^ (h >> 15)
    h = (h * 0x735A2D97) & _U32
    return h ^ (h >> 15)


def dropout_mask(seed, p, rows, cols, device=None):
    """The scaled keep mask (0 or 1/(1-p) in float32) of shared dropout, or None when p = 0."""
    if p <= 0:
        return None
    if not p < 1:
        raise ValueError(f"dropout: p must be in [0, 1), found {p}")
    threshold = math.floor(p * 2**32)
    scale = torch.tensor(1.0 / (1.0 - p), dtype=torch.float32)
    r = torch.arange(rows, dtype=torch.int64, device=device)
    hr = _mix32(r ^ _mix32_int(seed))
    c = torch.arange(cols, dtype=torch.int64, device=device)
    keep = _mix32(c[None, :] ^ hr[:, None]) >= threshold
    return keep.to(torch.float32) * scale.to(device)


# ---------------------------------------------------------------------------------------------
# A (sub)graph as the operators see it.


class Graph:
    """In-edge CSR (row i lists the sources j of edges j -> i), features, edge features.

    `rows`/`cols` are the adjacency entries in CSR order (int64 tensors); `x` is a dense N x F
    tensor or a sparse COO one; `edge_attr` is (entries x edge_dim) aligned with the entries.
    The operators' normalised adjacencies are built on first use, as the engine does.
    """

    def __init__(self, num_nodes, rows, cols, x, edge_attr=None):
        self.num_nodes = int(num_nodes)
        self.rows = rows
        self.cols = cols
        self.x = x
        self.edge_attr = edge_attr
        self._adj = {}

    @property
    def device(self):
        return self.rows.device

    def _with_self_loops(self, values_of):
        n = self.num_nodes
        loop = torch.arange(n, device=self.device)
        deg = torch.bincount(self.rows, minlength=n).to(torch.float64) + 1.0
        rows = torch.cat([self.rows, loop])
        cols = torch.cat([self.cols, loop])
        vals = values_of(deg, rows, cols).to(torch.float32)
        return torch.sparse_coo_tensor(torch.stack([rows, cols]), vals, (n, n)).coalesce()

    def adjacency(self, kind):
        """'gcn': D^-1/2 (A + I) D^-1/2 (D: in-degree with the self-loop); 'mean': (A + I) / (deg + 1)."""
        a = self._adj.get(kind)
        if a is None:
            if kind == "gcn":
                a = self._with_self_loops(lambda d, r, c: d[r].rsqrt() * d[c].rsqrt())
            elif kind == "mean":
                a = self._with_self_loops(lambda d, r, c: 1.0 / d[r])
            else:
                raise ValueError(f"unknown adjacency {kind!r}")
            self._adj[kind] = a
        return a


def _spmm(a, x):
    return torch.sparse.mm(a, x)


# ---------------------------------------------------------------------------------------------
# Operators: (in, out) weights, y = x @ W + b.


class Linear(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(d_in, d_out))
        self.bias = nn.Parameter(torch.zeros(d_out))

    def forward(self, x):
        if x.is_sparse:
            return _spmm(x, self.weight) + self.bias
        return torch.addmm(self.bias, x, self.weight)


class GCNConv(nn.Module):
    """out = A_gcn (x W) + b."""

    def __init__(self, width):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(width, width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x, graph, edge=None):
        return _spmm(graph.adjacency("gcn"), x @ self.weight) + self.bias


class SAGEConv(nn.Module):
    """out = x W_root + (M x) W_neigh + b, M the mean over neighbours and self."""

    def __init__(self, width):
        super().__init__()
        self.root = nn.Parameter(torch.zeros(width, width))
        self.neigh = nn.Parameter(torch.zeros(width, width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x, graph, edge=None):
        mean = _spmm(graph.adjacency("mean"), x)
        return torch.addmm(self.bias, x, self.root) + mean @ self.neigh


class GENConv(nn.Module):
    """out = (x + agg(x, e)) W + b (DeeperGCN's GEN with its MLP as one Linear).

    Softmax's temperature (`t`) or the power mean's exponent (`p`) is a parameter of shape [1]
    when learned (the engine's 1 x 1, starting at 1), else the constant 1.
    """

    def __init__(self, width, aggregation, learn=True):
        super().__init__()
        if aggregation not in GEN_AGGREGATIONS:
            raise ValueError(f"unknown GEN aggregation {aggregation!r} (known: {', '.join(GEN_AGGREGATIONS)})")
        self.aggregation = aggregation
        self.weight = nn.Parameter(torch.zeros(width, width))
        self.bias = nn.Parameter(torch.zeros(width))
        self.learned = {"softmax": "t", "power": "p"}.get(aggregation) if learn else None
        if self.learned:
            self.register_parameter(self.learned, nn.Parameter(torch.ones(1)))

    def forward(self, x, graph, edge=None):
        param = getattr(self, self.learned) if self.learned else 1.0
        h = x + gen_aggregate(graph, x, edge, self.aggregation, param)
        return torch.addmm(self.bias, h, self.weight)


def make_conv(cfg, width, edge=False):
    """The operator of a model configuration (config.json's "model") at a width; `edge`: the
    data has edge features (GAT then scores them)."""
    op = cfg["op"]
    if op == "gcn":
        return GCNConv(width)
    if op == "sage":
        return SAGEConv(width)
    if op == "gen":
        return GENConv(width, cfg.get("aggregation", "softmax"), cfg.get("learnAggr", True) is not False)
    if op == "gat":
        return GATConv(width, cfg.get("heads") or 1, edge)
    raise ValueError(f'The operator "{op}" has no PyTorch export yet (exportable: {", ".join(EXPORTABLE_OPS)}).')


class Norm(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(width))
        self.beta = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.gamma, self.beta, LAYER_NORM_EPS)


class PreAct(nn.Module):
    """f(x) = Conv(Dropout_shared(ReLU(LayerNorm(x)))); `mask` is this function's columns."""

    def __init__(self, width, conv):
        super().__init__()
        self.norm = Norm(width)
        self.conv = conv

    def forward(self, x, graph, edge=None, mask=None):
        a = F.relu(self.norm(x))
        if mask is not None:
            a = a * mask
        return self.conv(a, graph, edge)


class Head(nn.Module):
    def __init__(self, width, outputs):
        super().__init__()
        self.norm = Norm(width)
        self.linear = Linear(width, outputs)

    def forward(self, h, mask=None):
        a = F.relu(self.norm(h))
        if mask is not None:
            a = a * mask
        return self.linear(a)
