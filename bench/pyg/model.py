"""RevGNN Studio's networks in PyTorch: rev (grouped reversible coupling) and res (res+) stacks of
the pre-activation block f(x) = GEN(Dropout_shared(ReLU(LayerNorm(x)))), an input encoder, an
edge encoder shared by all layers (group i reads its own columns) and a pre-activation head.

impl="pyg": torch_geometric.nn.GroupAddRev around GENConv (memory-saving reversible backward).
impl="plain": the same network in plain PyTorch with ordinary autograd (no PyG needed); the CPU
check compares it with the engine's float64 reference, and the device run compares PyG with it.
"""
import warnings

import torch
from torch import nn

warnings.filterwarnings("ignore", message=r"scatter_reduce\(\) is in beta")

GEN_EPS = 1e-7  # src/nn/ops/gen.ts GEN_EPS; softmax temperature 1 (GEN_BETA)


def mix32(h):
    """lowbias32 on int64 tensors holding u32 values (src/reference/dropout.ts mix32)."""
    m = 0xFFFFFFFF
    h = h & m
    h = h ^ (h >> 16)
    h = (h * 0x21F0AAAD) & m
    h = h ^ (h >> 15)
    h = (h * 0x735A2D97) & m
    return h ^ (h >> 15)


def dropout_mask(rows, cols, p, seed, device, dtype=torch.float32):
    """The engine's shared dropout mask: keep (r, c) iff hash(seed, r, c) >= floor(p * 2^32)."""
    r = torch.arange(rows, dtype=torch.int64, device=device).unsqueeze(1)
    c = torch.arange(cols, dtype=torch.int64, device=device).unsqueeze(0)
    s = mix32(torch.tensor(seed, dtype=torch.int64, device=device))
    h = mix32(c ^ mix32(r ^ s))
    keep = h >= int(p * 2**32)
    return (keep.to(torch.float64) / (1.0 - p)).to(dtype)


def gen_aggregate(h, edge, row, col, num_nodes):
    """Softmax aggregation over in-edges of m = relu(h_j + e) + eps (DeeperGCN, beta = 1)."""
    m = torch.relu(h[col] + edge) + GEN_EPS
    # Softmax is shift-invariant: the row maximum only keeps exp() in range, so it is detached.
    mx = torch.full((num_nodes, h.size(1)), -float("inf"), dtype=h.dtype, device=h.device)
    mx = mx.scatter_reduce(0, row.unsqueeze(1).expand_as(m), m.detach(), "amax").detach()
    ex = torch.exp(m - mx[row])
    s = torch.zeros_like(h).index_add(0, row, ex)
    w = torch.zeros_like(h).index_add(0, row, ex * m)
    return torch.where(s > 0, w / s.clamp_min(1e-30), torch.zeros_like(w))


class PlainBlock(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.norm = nn.LayerNorm(w)
        self.lin = nn.Linear(w, w)

    @property
    def linear(self):
        return self.lin

    def forward(self, x, graph, edge, mask):
        h = torch.relu(self.norm(x)) * mask
        row, col, n = graph
        return self.lin(h + gen_aggregate(h, edge, row, col, n))


def pyg_block(w):
    from torch_geometric.nn import GENConv

    class PygBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = nn.LayerNorm(w)
            # One MLP layer with bias = the engine's (h + agg)·W + b; no learned temperature.
            self.conv = GENConv(
                w, w, aggr="softmax", t=1.0, learn_t=False, num_layers=1, norm=None,
                bias=True, eps=GEN_EPS,
            )

        @property
        def linear(self):
            return self.conv.mlp.lins[0]

        def reset_parameters(self):
            self.norm.reset_parameters()
            self.conv.reset_parameters()

        def forward(self, x, edge_index, edge, mask):
            return self.conv(torch.relu(self.norm(x)) * mask, edge_index, edge)

    return PygBlock()


class PlainRev(nn.Module):
    """y0 = x0 + f0(x1 + … + x_{C-1}); y_i = x_i + f_i(y_{i-1}) — the same as GroupAddRev."""

    def __init__(self, w, groups):
        super().__init__()
        self.convs = nn.ModuleList(PlainBlock(w) for _ in range(groups))

    def forward(self, x, graph, edge, mask):
        C = len(self.convs)
        xs, es, ms = x.chunk(C, -1), edge.chunk(C, -1), mask.chunk(C, -1)
        y = sum(xs[1:])
        ys = []
        for i, f in enumerate(self.convs):
            y = xs[i] + f(y, graph, es[i], ms[i])
            ys.append(y)
        return torch.cat(ys, -1)


class Net(nn.Module):
    def __init__(self, cfg, in_dim, edge_dim, out_dim, impl):
        super().__init__()
        D, C = cfg["channels"], cfg["groups"]
        self.model, self.impl, self.p = cfg["model"], impl, cfg["dropout"]
        if self.model not in ("rev", "res") or cfg.get("op", "gen") != "gen":
            raise ValueError(f"only rev/res GEN networks, found {cfg['model']} {cfg.get('op')}")
        self.encoder = nn.Linear(in_dim, D)
        self.edge_encoder = nn.Linear(edge_dim, D)
        layers = []
        for _ in range(cfg["layers"]):
            if self.model == "res":
                layers.append(pyg_block(D) if impl == "pyg" else PlainBlock(D))
            elif impl == "pyg":
                from torch_geometric.nn import GroupAddRev

                layers.append(GroupAddRev(pyg_block(D // C), num_groups=C))
            else:
                layers.append(PlainRev(D // C, C))
        self.layers = nn.ModuleList(layers)
        self.head_norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, out_dim)

    def groups(self, l):
        layer = self.layers[l]
        return [layer] if self.model == "res" else list(layer.convs)

    def forward(self, x, graph, edge_attr, mask):
        h = self.encoder(x)
        e = self.edge_encoder(edge_attr)
        g = graph["edge_index"] if self.impl == "pyg" else (graph["row"], graph["col"], graph["n"])
        for layer in self.layers:
            h = h + layer(h, g, e, mask) if self.model == "res" else layer(h, g, e, mask)
        return self.head(torch.relu(self.head_norm(h)) * mask)


def named_weights(net):
    """The network's weights under the engine's names, each [in, out] (biases [1, out])."""
    out = {}

    def lin(name, m):
        out[f"{name}.weight"] = m.weight.detach().t()
        out[f"{name}.bias"] = m.bias.detach().unsqueeze(0)

    def norm(name, m):
        out[f"{name}.norm.gamma"] = m.weight.detach().unsqueeze(0)
        out[f"{name}.norm.beta"] = m.bias.detach().unsqueeze(0)

    lin("encoder", net.encoder)
    lin("edge_encoder", net.edge_encoder)
    for l in range(len(net.layers)):
        for i, b in enumerate(net.groups(l)):
            name = f"layer{l}" if net.model == "res" else f"layer{l}.group{i}"
            norm(name, b.norm)
            lin(f"{name}.conv", b.linear)
    norm("head", net.head_norm)
    lin("head.linear", net.head)
    return out


def copy_weights(src, dst):
    """Makes dst (any impl) compute with src's weights."""
    pairs = [(src.encoder, dst.encoder), (src.edge_encoder, dst.edge_encoder)]
    pairs += [(src.head_norm, dst.head_norm), (src.head, dst.head)]
    for l in range(len(src.layers)):
        for a, b in zip(src.groups(l), dst.groups(l)):
            pairs += [(a.norm, b.norm), (a.linear, b.linear)]
    with torch.no_grad():
        for a, b in pairs:
            b.weight.copy_(a.weight)
            b.bias.copy_(a.bias)
