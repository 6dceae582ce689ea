"""DEQ-GNN's equilibrium block and its solver: the fixed point Z* = F(Z*, X) of

    A = Conv1(Z);  B = Norm1(A + X);  C = Conv2(Dropout(ReLU(B)));  F = Norm2(ReLU(C + A))

found by the engine's limited-memory Broyden and differentiated implicitly (the adjoint fixed
point by the same solver, then one vector-Jacobian product).
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from layers import Norm, make_conv

BROYDEN_HISTORY = 6


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
    def __init__(self, cfg, edge=False):
        super().__init__()
        d = cfg["channels"]
        self.conv1 = make_conv(cfg, d, edge)
        self.norm1 = Norm(d)
        self.conv2 = make_conv(cfg, d, edge)
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
