"""The grouped reversible coupling, channels split into C contiguous groups:

    y_0 = x_0 + f_0(x_1 + ... + x_{C-1}),   y_i = x_i + f_i(y_{i-1})

torch_geometric.nn.GroupAddRev when PyTorch Geometric is installed, else the equivalent below
(the same constructor, forward(x, edge_index, *args) with args split into groups along the last
dimension, and the same backward: activations O(N*D) at any depth either way).
"""
import torch
from torch import nn

try:  # The coupling from PyTorch Geometric when it is there (same semantics, same memory).
    from torch_geometric.nn import GroupAddRev as _PygGroupAddRev
except Exception:  # noqa: BLE001 - any import failure means: use the in-file equivalent
    _PygGroupAddRev = None


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
REV_IMPLEMENTATION = "torch_geometric.nn.GroupAddRev" if _PygGroupAddRev else "coupling.GroupAddRev (in-file)"
