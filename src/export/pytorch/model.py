"""The RevGNN Studio network in plain PyTorch, exactly as the engine defines it.

encoder -> L blocks -> head (LayerNorm -> ReLU -> shared dropout -> Linear), where a block is

* res / res-ckpt:  h + f(h)
* rev / wtrev:     the grouped reversible coupling
                     y_0 = x_0 + f_0(x_1 + ... + x_{C-1}),  y_i = x_i + f_i(y_{i-1})
                   (torch_geometric.nn.GroupAddRev when PyTorch Geometric is installed, else the
                   equivalent below: activations O(N*D) either way); wtrev ties the f_i across depth;
* deq:             the fixed point Z* = F(Z*, X) of
                     Z' = Conv1(Z); Z'' = Norm1(Z' + X); Z''' = Conv2(Dropout(ReLU(Z'')));
                     F = Norm2(ReLU(Z''' + Z'))
                   solved by limited-memory Broyden, differentiated implicitly;

and f(x) = Conv(Dropout_shared(ReLU(LayerNorm(x)))). The shared dropout mask is the engine's:
keep(r, c) <=> lowbias32 hash of (seed, row, column) >= floor(p * 2^32), bit for bit, one N x D
mask per step, a group reading its own columns of it.

Weights are stored as the engine stores them: a weight is (in, out) and y = x @ W + b (PyTorch's
nn.Linear keeps the transpose). Parameter names are the engine's (state_dict keys included).
"""
import math
import warnings

import torch
import torch.utils.checkpoint
import torch.nn.functional as F
from torch import nn

from weights_io import read_safetensors

try:  # The coupling from PyTorch Geometric when it is there (same semantics, same memory).
    from torch_geometric.nn import GroupAddRev as _PygGroupAddRev
except Exception:  # noqa: BLE001 - any import failure means: use the in-file equivalent
    _PygGroupAddRev = None

# torch 1.x marks scatter_reduce (GEN's aggregation) as beta; it is what the operator needs.
warnings.filterwarnings("ignore", message="scatter_reduce\\(\\) is in beta")

LAYER_NORM_EPS = 1e-5
GEN_EPS = 1e-7
GEN_BETA = 1.0
#: Depth of DEQ's weight-tied unrolled warm-up network (capped by `layers`).
WARMUP_DEPTH = 6
BROYDEN_HISTORY = 6
EXPORTABLE_MODELS = ("res", "res-ckpt", "rev", "wtrev", "deq")
EXPORTABLE_OPS = ("gcn", "sage", "gen")

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


def gen_aggregate(graph, x, edge, aggregation):
    """m_k = relu(x_j + e_k) + eps over row i's in-edges k, aggregated by max or softmax(beta m).

    Max routes the gradient to the first maximal entry of the row, as the engine's kernel does;
    a row without in-edges aggregates to 0.
    """
    n, w = graph.num_nodes, x.shape[1]
    rows = graph.rows
    pre = x[graph.cols]
    if edge is not None:
        pre = pre + edge
    m = F.relu(pre) + GEN_EPS
    idx = rows[:, None].expand_as(m)
    top = torch.full((n, w), -math.inf, dtype=m.dtype, device=m.device)
    top = top.scatter_reduce(0, idx, m.detach() * (GEN_BETA if aggregation == "softmax" else 1.0), "amax")
    if aggregation == "max":
        entries = m.shape[0]
        pos = torch.arange(entries, device=m.device)[:, None].expand_as(m)
        cand = torch.where(m.detach() == top[rows], pos, torch.full_like(pos, entries))
        first = torch.full((n, w), entries, dtype=torch.int64, device=m.device)
        first = first.scatter_reduce(0, idx, cand, "amin")
        has = first < entries
        picked = m.gather(0, first.clamp(max=max(entries - 1, 0))) if entries else torch.zeros_like(top)
        return torch.where(has, picked, torch.zeros_like(picked))
    if aggregation != "softmax":
        raise ValueError(f"unknown GEN aggregation {aggregation!r}")
    ex = torch.exp(GEN_BETA * m - top[rows])
    s = torch.zeros((n, w), dtype=m.dtype, device=m.device).index_add(0, rows, ex)
    num = torch.zeros((n, w), dtype=m.dtype, device=m.device).index_add(0, rows, ex * m)
    return num / torch.where(s > 0, s, torch.ones_like(s))


class GENConv(nn.Module):
    """out = (x + agg(x, e)) W + b (DeeperGCN's GEN with its MLP as one Linear)."""

    def __init__(self, width, aggregation):
        super().__init__()
        self.aggregation = aggregation
        self.weight = nn.Parameter(torch.zeros(width, width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x, graph, edge=None):
        h = x + gen_aggregate(graph, x, edge, self.aggregation)
        return torch.addmm(self.bias, h, self.weight)


def make_conv(op, width, aggregation):
    if op == "gcn":
        return GCNConv(width)
    if op == "sage":
        return SAGEConv(width)
    if op == "gen":
        return GENConv(width, aggregation)
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


# ---------------------------------------------------------------------------------------------
# The reversible coupling: PyG's GroupAddRev, or this equivalent of it (same constructor, same
# forward(x, edge_index, *args) with args split into groups along the last dimension).


def _storage(t):
    return t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()


class _Invertible(torch.autograd.Function):
    """Keeps no activations: forward frees its input's memory; backward rebuilds it by the inverse
    from the output (which the next block's backward has just restored), recomputes the block
    with gradients on, and hands the rebuilt input on to the block below."""

    @staticmethod
    def forward(ctx, fn, fn_inverse, num_inputs, *args):
        inputs, weights = args[:num_inputs], args[num_inputs:]
        ctx.fn, ctx.fn_inverse, ctx.weights = fn, fn_inverse, weights
        ctx.requires = [t.requires_grad if torch.is_tensor(t) else None for t in inputs]
        with torch.no_grad():
            out = fn(*[t.detach() if torch.is_tensor(t) else t for t in inputs])
        _storage(inputs[0]).resize_(0)
        ctx.inputs, ctx.output = inputs, out
        return out

    @staticmethod
    def backward(ctx, grad_out):
        inputs, out = ctx.inputs, ctx.output
        del ctx.inputs, ctx.output  # no reference cycle through ctx once used
        with torch.no_grad():
            x = ctx.fn_inverse(out, *inputs[1:])
            _storage(out).resize_(0)
            inputs[0].set_(x)
        with torch.enable_grad():
            detached = [
                t.detach().requires_grad_(bool(rg)) if torch.is_tensor(t) else t
                for t, rg in zip(inputs, ctx.requires)
            ]
            y = ctx.fn(*detached)
        wanted = [t for t, rg in zip(detached, ctx.requires) if rg] + list(ctx.weights)
        grads = list(torch.autograd.grad(y, wanted, grad_out, allow_unused=True))
        input_grads = [grads.pop(0) if rg else None for rg in ctx.requires]
        return (None, None, None, *input_grads, *grads)


class GroupAddRev(nn.Module):
    """In-file equivalent of torch_geometric.nn.GroupAddRev for a ModuleList of group functions."""

    def __init__(self, conv, split_dim=-1, num_groups=None, disable=False):
        super().__init__()
        if not isinstance(conv, nn.ModuleList):
            raise TypeError("GroupAddRev here takes a ModuleList with one function per group")
        if len(conv) < 2:
            raise ValueError("A reversible block needs at least 2 groups.")
        self.convs = conv
        self.split_dim = split_dim
        self.disable = disable

    @property
    def num_groups(self):
        return len(self.convs)

    def forward(self, x, edge_index, *args):
        if self.disable or not torch.is_grad_enabled():
            return self._forward(x, edge_index, *args)
        weights = [p for p in self.parameters() if p.requires_grad]
        return _Invertible.apply(self._forward, self._inverse, 2 + len(args), x, edge_index, *args, *weights)

    def _chunk(self, t, channels):
        if not torch.is_tensor(t) or t.dim() == 0 or t.size(self.split_dim) != channels:
            return [t] * self.num_groups
        return torch.chunk(t, self.num_groups, dim=self.split_dim)

    def _group_args(self, channels, args):
        per = list(zip(*[self._chunk(a, channels) for a in args]))
        return per if per else [()] * self.num_groups

    def _forward(self, x, edge_index, *args):
        xs = self._chunk(x, x.size(self.split_dim))
        gargs = self._group_args(x.size(self.split_dim), args)
        ys = []
        y_in = sum(xs[1:])
        for i in range(self.num_groups):
            y_in = xs[i] + self.convs[i](y_in, edge_index, *gargs[i])
            ys.append(y_in)
        return torch.cat(ys, dim=self.split_dim)

    def _inverse(self, y, edge_index, *args):
        ys = self._chunk(y, y.size(self.split_dim))
        gargs = self._group_args(y.size(self.split_dim), args)
        xs = []
        for i in range(self.num_groups - 1, -1, -1):
            y_in = ys[i - 1] if i != 0 else sum(xs)
            xs.append(ys[i] - self.convs[i](y_in, edge_index, *gargs[i]))
        return torch.cat(xs[::-1], dim=self.split_dim)


RevCoupling = _PygGroupAddRev or GroupAddRev
REV_IMPLEMENTATION = "torch_geometric.nn.GroupAddRev" if _PygGroupAddRev else "model.GroupAddRev (in-file)"


# ---------------------------------------------------------------------------------------------
# ResGNN / RevGNN / WT-RevGNN.


def _check_config(cfg):
    if cfg["model"] not in EXPORTABLE_MODELS:
        raise ValueError(
            f'The model kind "{cfg["model"]}" has no PyTorch export yet '
            f'(exportable: {", ".join(EXPORTABLE_MODELS)}).'
        )
    make_conv(cfg["op"], 1, cfg.get("aggregation", "softmax"))
    if cfg["model"] in ("rev", "wtrev"):
        if cfg["groups"] < 2 or cfg["channels"] % cfg["groups"]:
            raise ValueError(f'{cfg["channels"]} channels do not split into {cfg["groups"]} groups (≥ 2).')


class Network(nn.Module):
    """res, res-ckpt, rev, wtrev. forward(graph, mask) -> logits; mask = dropout_mask(...) or None."""

    def __init__(self, cfg, dims):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        d = cfg["channels"]
        self.encoder = Linear(dims["input"], d)
        if cfg["op"] == "gen" and dims.get("edge", 0) > 0:
            self.edge_encoder = Linear(dims["edge"], d)
        else:
            self.edge_encoder = None
        # Registered under the engine's names (layer{l}, tied); the couplings that use them are
        # kept in a plain list so that every parameter has exactly one name.
        self.blocks = []
        if cfg["model"] in ("rev", "wtrev"):
            self._build_rev(cfg)
        else:
            for l in range(cfg["layers"]):
                f = PreAct(d, make_conv(cfg["op"], d, cfg.get("aggregation")))
                self.add_module(f"layer{l}", f)
                self.blocks.append(f)
        self.head = Head(d, dims["output"])

    def _build_rev(self, cfg):
        groups, w = cfg["groups"], cfg["channels"] // cfg["groups"]

        def fresh(name):
            fs = nn.ModuleList(PreAct(w, make_conv(cfg["op"], w, cfg.get("aggregation"))) for _ in range(groups))
            self.add_module(name, nn.ModuleDict({f"group{i}": f for i, f in enumerate(fs)}))
            return fs

        shared = None
        for l in range(cfg["layers"]):
            if cfg["model"] == "wtrev" and (cfg.get("tying", "first-untied") == "all" or l > 0):
                shared = shared or fresh("tied")
                fs = shared
            else:
                fs = fresh(f"layer{l}")
            self.blocks.append(RevCoupling(fs, num_groups=groups))

    def encode(self, graph):
        edge = self.edge_encoder(graph.edge_attr) if self.edge_encoder is not None else None
        return self.encoder(graph.x), edge

    def forward(self, graph, mask=None):
        h, edge = self.encode(graph)
        model = self.cfg["model"]
        for f in self.blocks:
            if model in ("rev", "wtrev"):
                h = f(h, graph, edge, mask)
            elif model == "res-ckpt" and torch.is_grad_enabled():
                h = h + torch.utils.checkpoint.checkpoint(f, h, graph, edge, mask, use_reentrant=False)
            else:
                h = h + f(h, graph, edge, mask)
        return self.head(h, mask)


# ---------------------------------------------------------------------------------------------
# DEQ-GNN.


class SolverDiverged(RuntimeError):
    pass


def broyden(phi, shape, max_iterations, tolerance, like, name="forward"):
    """Limited-memory "good" Broyden for z = phi(z) from z = 0, as the engine's solver: the best
    iterate is kept; a residual 10x above the best restarts from it with the history cleared.
    Residual: ||phi(z) - z|| / min(||phi(z)||, ||z||). Returns (z, stats)."""
    m = BROYDEN_HISTORY
    z = torch.zeros(shape, dtype=like.dtype, device=like.device).reshape(-1)
    size = z.numel()
    U = torch.zeros(size, m, dtype=z.dtype, device=z.device)
    V = torch.zeros_like(U)

    def f(v):
        return phi(v.reshape(shape)).reshape(-1)

    g_prev = f(z)
    tmp = g_prev.clone()
    best, best_rel, trace, restarts, runaways = z.clone(), math.inf, [], 0, 0
    g_best = g_prev.clone()
    iterations, converged = max_iterations, False
    for n in range(1, max_iterations + 1):
        dx = tmp
        z = z + dx
        fz = f(z)
        g = fz - z
        denom = math.sqrt(min(float(fz.dot(fz)), float(z.dot(z))))
        rel = math.sqrt(float(g.dot(g))) / max(denom, 1e-30)
        trace.append(rel)
        if not math.isfinite(rel):
            raise SolverDiverged(f"The DEQ {name} fixed-point solve became NaN or infinite at iteration {n}.")
        reset = False
        if rel < best_rel:
            best, g_best = z.clone(), g.clone()
        elif rel > 10 * best_rel:
            reset = True
            restarts += 1
            if rel > 1:
                runaways += 1
                if runaways >= 3:
                    raise SolverDiverged(
                        f"The DEQ {name} fixed-point solve diverged at iteration {n}: the relative "
                        f"residual jumped to {rel:.2e}, above 1 and 10x its best ({best_rel:.2e}), 3 times."
                    )
        best_rel = min(best_rel, rel)
        if rel < tolerance:
            iterations, converged = n, True
            break
        if reset:
            z, g = best.clone(), g_best.clone()
            U.zero_()
            V.zero_()
        dg = g - g_prev
        v = V @ (U.t() @ dx) - dx
        u = dx - (U @ (V.t() @ dg) - dg)
        d = float(v.dot(dg))
        recip = 0.0 if reset or not math.isfinite(d) or abs(d) <= 1e-30 else 1.0 / d
        slot = (n - 1) % m
        U[:, slot] = u * recip
        V[:, slot] = v
        tmp = g - U @ (V.t() @ g)
        g_prev = g
    stats = {"iterations": iterations, "residual": best_rel, "converged": converged, "restarts": restarts}
    return best.reshape(shape), stats


class DEQBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["channels"]
        self.conv1 = make_conv(cfg["op"], d, cfg.get("aggregation"))
        self.norm1 = Norm(d)
        self.conv2 = make_conv(cfg["op"], d, cfg.get("aggregation"))
        self.norm2 = Norm(d)

    def forward(self, z, x, graph, edge=None, mask=None):
        zp = self.conv1(z, graph, edge)
        act = F.relu(self.norm1(zp + x))
        if mask is not None:
            act = act * mask
        return self.norm2(F.relu(self.conv2(act, graph, edge) + zp))


class _FixedPoint(torch.autograd.Function):
    """Z* by Broyden in forward; in backward the adjoint g = (dF/dZ)^T g + dL/dZ* by the same
    solver, then one vector-Jacobian product for X, the edge embedding and the parameters."""

    @staticmethod
    def forward(ctx, deq, graph, mask, x, edge, *params):
        block = deq.block
        with torch.no_grad():
            z, stats = broyden(
                lambda v: block(v, x, graph, edge, mask), x.shape, deq.cfg["layers"], deq.tolerance, x
            )
        deq.last_solves["forward"] = stats
        ctx.deq, ctx.graph, ctx.mask = deq, graph, mask
        ctx.has_edge = edge is not None
        ctx.save_for_backward(z, x, *([edge] if edge is not None else []))
        return z

    @staticmethod
    def backward(ctx, dz):
        deq = ctx.deq
        saved = ctx.saved_tensors
        z, x = saved[0].detach().requires_grad_(), saved[1].detach().requires_grad_()
        edge = saved[2].detach().requires_grad_() if ctx.has_edge else None
        with torch.enable_grad():
            fz = deq.block(z, x, ctx.graph, edge, ctx.mask)

        def adjoint(g):
            return torch.autograd.grad(fz, z, g, retain_graph=True)[0] + dz

        g, stats = broyden(adjoint, z.shape, deq.cfg["layers"], deq.tolerance, z, name="backward")
        deq.last_solves["backward"] = stats
        params = [p for p in deq.block.parameters()]
        wanted = [x] + ([edge] if edge is not None else []) + params
        grads = list(torch.autograd.grad(fz, wanted, g, allow_unused=True))
        gx = grads.pop(0)
        ge = grads.pop(0) if edge is not None else None
        return (None, None, None, gx, ge, *grads)


class DEQNetwork(nn.Module):
    """deq: encoder -> Z* = F(Z*, X) -> head. `steps` counts training steps (DEQ's warm-up)."""

    def __init__(self, cfg, dims):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        d = cfg["channels"]
        self.deq = DEQBlock(cfg)  # declared first, as in the engine (names deq.conv1.weight, ...)
        self.encoder = Linear(dims["input"], d)
        self.edge_encoder = Linear(dims["edge"], d) if cfg["op"] == "gen" and dims.get("edge", 0) > 0 else None
        self.head = Head(d, dims["output"])
        self.tolerance = cfg.get("tolerance", 1e-4)
        self.warmup_steps = cfg.get("warmupSteps", 0)
        self.steps = 0
        self.last_solves = {"forward": None, "backward": None}

    @property
    def block(self):
        return self.deq

    @property
    def warming_up(self):
        return self.warmup_steps > 0 and self.steps <= self.warmup_steps

    def forward(self, graph, mask=None):
        edge = self.edge_encoder(graph.edge_attr) if self.edge_encoder is not None else None
        x = self.encoder(graph.x)
        self.last_solves = {"forward": None, "backward": None}
        if self.warming_up:
            z = torch.zeros_like(x)
            for _ in range(min(self.cfg["layers"], WARMUP_DEPTH)):
                z = self.block(z, x, graph, edge, mask)
        elif torch.is_grad_enabled():
            params = [p for p in self.block.parameters()]
            z = _FixedPoint.apply(self, graph, mask, x, edge, *params)
        else:
            z, self.last_solves["forward"] = broyden(
                lambda v: self.block(v, x, graph, edge, mask), x.shape, self.cfg["layers"], self.tolerance, x
            )
        return self.head(z, mask)


# ---------------------------------------------------------------------------------------------
# Building and loading.


def build_model(cfg, dims):
    """The network of an engine model configuration and data dimensions (input, output, edge)."""
    _check_config(cfg)
    return DEQNetwork(cfg, dims) if cfg["model"] == "deq" else Network(cfg, dims)


class WeightsMismatch(ValueError):
    pass


def load_weights(model, path):
    """Loads a weights.safetensors into the model; refuses a missing, unexpected or misshapen
    tensor, naming it with the expected and the found shape. Returns the file's metadata."""
    tensors, metadata = read_safetensors(path)
    expected = {name: tuple(p.shape) for name, p in model.named_parameters()}
    problems = []
    for name, shape in expected.items():
        if name not in tensors:
            problems.append(f'tensor "{name}" is missing (expected shape {list(shape)})')
        elif tuple(tensors[name].shape) != shape:
            problems.append(
                f'tensor "{name}": expected shape {list(shape)}, found {list(tensors[name].shape)}'
            )
    for name in tensors:
        if name not in expected:
            problems.append(f'tensor "{name}" (shape {list(tensors[name].shape)}) is not a parameter of this model')
    if problems:
        raise WeightsMismatch(f"{path}: " + "; ".join(problems) + ".")
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(tensors[name])
    if isinstance(model, DEQNetwork):
        model.steps = int(metadata.get("steps", "0") or 0)
    return metadata


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
