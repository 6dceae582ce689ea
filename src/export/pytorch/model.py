"""The RevGNN Studio network in plain PyTorch, exactly as the engine defines it.

encoder -> L blocks -> head (LayerNorm -> ReLU -> shared dropout -> Linear), where a block is

* res / res-ckpt:  h + f(h)
* rev / wtrev:     the grouped reversible coupling (coupling.py); wtrev ties the f_i across depth;
* deq:             the fixed point Z* = F(Z*, X) of DEQ's block (deq.py);

and f(x) = Conv(Dropout_shared(ReLU(LayerNorm(x)))) (layers.py). The shared dropout mask is the
engine's: keep(r, c) <=> lowbias32 hash of (seed, row, column) >= floor(p * 2^32), bit for bit,
one N x D mask per step, a group reading its own columns of it.

Parameter names are the engine's (state_dict keys included): weights.safetensors loads as it is.
"""
import torch
import torch.utils.checkpoint

from coupling import REV_IMPLEMENTATION, RevCoupling
from deq import DEQBlock, _FixedPoint, broyden
from layers import EDGE_OPS, EXPORTABLE_OPS, Graph, Head, Linear, PreAct, dropout_mask, make_conv
from weights_io import read_safetensors

#: Depth of DEQ's weight-tied unrolled warm-up network (capped by `layers`).
WARMUP_DEPTH = 6
EXPORTABLE_MODELS = ("res", "res-ckpt", "rev", "wtrev", "deq")
__all__ = ["Graph", "dropout_mask", "build_model", "load_weights", "REV_IMPLEMENTATION", "EXPORTABLE_OPS"]


def _check_config(cfg):
    if cfg["model"] not in EXPORTABLE_MODELS:
        raise ValueError(
            f'The model kind "{cfg["model"]}" has no PyTorch export yet '
            f'(exportable: {", ".join(EXPORTABLE_MODELS)}).'
        )
    make_conv(cfg, cfg.get("heads") or 1)
    if cfg["model"] in ("rev", "wtrev"):
        if cfg["groups"] < 2 or cfg["channels"] % cfg["groups"]:
            raise ValueError(f'{cfg["channels"]} channels do not split into {cfg["groups"]} groups (≥ 2).')


def _has_edge(cfg, dims):
    return cfg["op"] in EDGE_OPS and dims.get("edge", 0) > 0


class _Encoded(torch.nn.Module):
    """The input encoder, and the edge encoder (GEN, GAT) when the graph has edge features."""

    def _add_encoders(self, cfg, dims):
        d = cfg["channels"]
        self.encoder = Linear(dims["input"], d)
        self.edge_encoder = Linear(dims["edge"], d) if _has_edge(cfg, dims) else None

    def encode(self, graph):
        edge = self.edge_encoder(graph.edge_attr) if self.edge_encoder is not None else None
        return self.encoder(graph.x), edge


class Network(_Encoded):
    """res, res-ckpt, rev, wtrev. forward(graph, mask) -> logits; mask = dropout_mask(...) or None."""

    def __init__(self, cfg, dims):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        d = cfg["channels"]
        self._add_encoders(cfg, dims)
        # Registered under the engine's names (layer{l}, tied); the couplings that use them are
        # kept in a plain list so that every parameter has exactly one name.
        self.blocks = []
        if cfg["model"] in ("rev", "wtrev"):
            self._build_rev(cfg, _has_edge(cfg, dims))
        else:
            for l in range(cfg["layers"]):
                f = PreAct(d, make_conv(cfg, d, _has_edge(cfg, dims)))
                self.add_module(f"layer{l}", f)
                self.blocks.append(f)
        self.head = Head(d, dims["output"])

    def _build_rev(self, cfg, edge):
        groups, w = cfg["groups"], cfg["channels"] // cfg["groups"]

        def fresh(name):
            fs = torch.nn.ModuleList(PreAct(w, make_conv(cfg, w, edge)) for _ in range(groups))
            self.add_module(name, torch.nn.ModuleDict({f"group{i}": f for i, f in enumerate(fs)}))
            return fs

        shared = None
        for l in range(cfg["layers"]):
            if cfg["model"] == "wtrev" and (cfg.get("tying", "first-untied") == "all" or l > 0):
                shared = shared or fresh("tied")
                fs = shared
            else:
                fs = fresh(f"layer{l}")
            self.blocks.append(RevCoupling(fs, num_groups=groups))

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


class DEQNetwork(_Encoded):
    """deq: encoder -> Z* = F(Z*, X) -> head. `steps` counts training steps (DEQ's warm-up)."""

    def __init__(self, cfg, dims):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        self.deq = DEQBlock(cfg, _has_edge(cfg, dims))  # declared first, as in the engine (names deq.conv1.weight, ...)
        self._add_encoders(cfg, dims)
        self.head = Head(cfg["channels"], dims["output"])
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
        x, edge = self.encode(graph)
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
