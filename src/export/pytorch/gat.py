"""GAT as the engine computes it (src/nn/ops/gat.ts, shaders/gat.wgsl): PyG's GATConv with
concatenated heads, written in plain PyTorch.

z = x W; per head h, row i attends to its in-edges j -> i (a stored self-loop is skipped) and to
an implicit self-loop with scores LeakyReLU_0.2(a_src . z_j + a_dst . z_i + a_edge . e_k), softmax
over the row; out_i = sum alpha z_j, then + b. The edge term scores this operator's columns of the
shared edge embedding (GEN's encoder) with a per-head vector; the self-loop's is the mean of the
row's others (GATConv's fill_value='mean'), 0 for a row without others. No attention dropout.

`att` is the engine's (2 or 3) x width matrix: rows a_src, a_dst and, with edge features, a_edge.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

GAT_SLOPE = 0.2


def _per_head(v, heads):
    """(rows, width) -> (rows, heads, width / heads)."""
    return v.reshape(v.shape[0], heads, v.shape[1] // heads)


def _scatter_sum(index, values, n):
    return torch.zeros((n,) + values.shape[1:], dtype=values.dtype, device=values.device).index_add(0, index, values)


class GATConv(nn.Module):
    def __init__(self, width, heads, edge):
        super().__init__()
        if heads < 1 or width % heads:
            raise ValueError(f"GAT: {heads} heads do not split the operator's {width} channels evenly.")
        self.heads = heads
        self.has_edge = edge
        self.weight = nn.Parameter(torch.zeros(width, width))
        self.att = nn.Parameter(torch.zeros(3 if edge else 2, width))
        self.bias = nn.Parameter(torch.zeros(width))

    def _edge_scores(self, graph, edge, keep):
        """Per head: the kept entries' edge terms and each row's self-loop term (their mean)."""
        n, heads = graph.num_nodes, self.heads
        if not self.has_edge:
            return None, None
        if edge is None:
            raise ValueError("GAT was built for edge features, but this graph has none.")
        a_edge = _per_head(self.att[2:3], heads)
        score = (_per_head(edge[keep], heads) * a_edge).sum(-1)
        rows = graph.rows[keep]
        count = torch.bincount(rows, minlength=n).to(score.dtype)[:, None]
        self_term = _scatter_sum(rows, score, n) / count.clamp(min=1.0)
        return score, self_term

    def forward(self, x, graph, edge=None):
        n, heads = graph.num_nodes, self.heads
        z = _per_head(x @ self.weight, heads)
        keep = graph.rows != graph.cols
        loop = torch.arange(n, device=graph.device)
        src = torch.cat([loop, graph.cols[keep]])
        dst = torch.cat([loop, graph.rows[keep]])
        s = (z * _per_head(self.att[0:1], heads)).sum(-1)
        t = (z * _per_head(self.att[1:2], heads)).sum(-1)
        pre = s[src] + t[dst]
        edge_score, self_term = self._edge_scores(graph, edge, keep)
        if edge_score is not None:
            pre = pre + torch.cat([self_term, edge_score])
        e = F.leaky_relu(pre, GAT_SLOPE)
        # The shift keeps exp in range; the weights do not depend on it, so no gradient through it.
        top = torch.full((n, heads), -math.inf, dtype=e.dtype, device=e.device)
        top = top.scatter_reduce(0, dst[:, None].expand_as(e), e.detach(), "amax")
        ex = torch.exp(e - top[dst])
        alpha = ex / _scatter_sum(dst, ex, n)[dst]
        out = _scatter_sum(dst, alpha[:, :, None] * z[src], n)
        return out.reshape(n, -1) + self.bias
