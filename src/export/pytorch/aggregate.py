"""GEN's aggregations as the engine's kernels compute them (shaders/aggregate*.wgsl).

Messages m_k = relu(x_j + e_k) + eps over row i's in-edges k, aggregated per channel by

* max:     the largest m_k; the gradient goes to the first maximal entry of the row;
* softmax: sum_k softmax(beta m)_k m_k, beta DeeperGCN's temperature t;
* power:   clamp(mean_k clamp(m_k)^p)^(1/p), both clamps to [1e-7, 10] (DeeperGCN's).

A row without in-edges aggregates to 0 under all three (the official power mean gives
1e-7^(1/p) there; the engine does not). beta and p are tensors when learned, else 1.0.
"""
import math
import warnings

import torch
import torch.nn.functional as F

# torch 1.x marks scatter_reduce (max and softmax) as beta; it is what the operator needs.
warnings.filterwarnings("ignore", message="scatter_reduce\\(\\) is in beta")

GEN_EPS = 1e-7
POWER_MIN = 1e-7
POWER_MAX = 10.0
GEN_AGGREGATIONS = ("softmax", "max", "power")


def messages(graph, x, edge):
    pre = x[graph.cols]
    if edge is not None:
        pre = pre + edge
    return F.relu(pre) + GEN_EPS


def _row_max(graph, m, shape):
    idx = graph.rows[:, None].expand_as(m)
    top = torch.full(shape, -math.inf, dtype=m.dtype, device=m.device)
    return top.scatter_reduce(0, idx, m, "amax")


def _max(graph, m, shape):
    rows = graph.rows
    top = _row_max(graph, m.detach(), shape)
    entries = m.shape[0]
    pos = torch.arange(entries, device=m.device)[:, None].expand_as(m)
    cand = torch.where(m.detach() == top[rows], pos, torch.full_like(pos, entries))
    first = torch.full(shape, entries, dtype=torch.int64, device=m.device)
    first = first.scatter_reduce(0, rows[:, None].expand_as(m), cand, "amin")
    has = first < entries
    if not entries:
        return torch.zeros(shape, dtype=m.dtype, device=m.device)
    picked = m.gather(0, first.clamp(max=entries - 1))
    return torch.where(has, picked, torch.zeros_like(picked))


def _softmax(graph, m, shape, beta):
    rows = graph.rows
    scaled = beta * m
    # The shift only keeps exp in range (the value does not depend on it): no gradient through it.
    top = _row_max(graph, scaled.detach(), shape)
    ex = torch.exp(scaled - top[rows])
    s = torch.zeros(shape, dtype=m.dtype, device=m.device).index_add(0, rows, ex)
    num = torch.zeros(shape, dtype=m.dtype, device=m.device).index_add(0, rows, ex * m)
    return num / torch.where(s > 0, s, torch.ones_like(s))


def _power(graph, m, shape, p):
    rows = graph.rows
    powers = m.clamp(POWER_MIN, POWER_MAX) ** p
    total = torch.zeros(shape, dtype=m.dtype, device=m.device).index_add(0, rows, powers)
    deg = torch.bincount(rows, minlength=shape[0]).to(m.dtype)[:, None]
    mean = total / deg.clamp(min=1.0)
    out = mean.clamp(POWER_MIN, POWER_MAX) ** (1.0 / p)
    return torch.where(deg > 0, out, torch.zeros_like(out))


def gen_aggregate(graph, x, edge, aggregation, param=1.0):
    """Row i's aggregation of its messages; `param` is beta (softmax) or p (power)."""
    m = messages(graph, x, edge)
    shape = (graph.num_nodes, x.shape[1])
    if aggregation == "max":
        return _max(graph, m, shape)
    if aggregation == "softmax":
        return _softmax(graph, m, shape, param)
    if aggregation == "power":
        return _power(graph, m, shape, param)
    raise ValueError(f"unknown GEN aggregation {aggregation!r} (known: {', '.join(GEN_AGGREGATIONS)})")
