#!/usr/bin/env python3
"""RevGNN Studio's peer in PyTorch Geometric: one training step of the engine's networks.

  revgnn_step.py bench --data PART --config JSON --out FILE [--device cuda|cpu] [--impl auto|pyg|plain]
      For each configuration ({label, model: rev|res, op: gen, layers, channels, groups, dropout,
      warmup, timed}): a step is forward, BCE loss on the train nodes, backward, gradient-norm
      clipping at 1 and Adam; the median of `timed` steps after `warmup` (CUDA events on a GPU)
      and torch.cuda.max_memory_allocated / max_memory_reserved over those steps.
  revgnn_step.py check --data PART --config JSON --out FILE
      For each configuration ({model, layers, channels, groups, dropout, seed}): the plain-PyTorch
      network in float64 on the CPU, its loss and its weights under the engine's names, for
      scripts/pyg-peer.node.test.ts to feed the engine's float64 reference.

PART is a dataset folder of one shard (the device check generates it). The dropout mask is the
engine's own hash of (seed + step, node, channel), shared by all layers, so both drop the same
entries.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from model import Net, copy_weights, dropout_mask, named_weights
from part import Part


def tensors(part, device, dtype):
    t = lambda a, dt=dtype: torch.as_tensor(a).to(device=device, dtype=dt)
    row, col = t(part.row, torch.int64), t(part.col, torch.int64)
    graph = {"row": row, "col": col, "n": part.num_nodes, "edge_index": torch.stack([col, row])}
    train = t(part.split == 1, torch.bool)
    return t(part.x), graph, t(part.edge_attr), t(part.y), train


def loss_of(net, data, seed, cfg):
    x, graph, edge_attr, y, train = data
    mask = dropout_mask(x.size(0), cfg["channels"], cfg["dropout"], seed, x.device, x.dtype)
    logits = net(x, graph, edge_attr, mask)
    return F.binary_cross_entropy_with_logits(logits[train], y[train])


def pyg_available():
    try:
        import torch_geometric  # noqa: F401

        return True
    except Exception:
        return False


def check(a):
    part = Part(a.data)
    data = tensors(part, "cpu", torch.float64)
    results = []
    for cfg in json.loads(a.config):
        torch.manual_seed(cfg["seed"])
        net = Net(cfg, part.x.shape[1], part.edge_attr.shape[1], part.outputs, "plain").double()
        loss = loss_of(net, data, cfg["seed"], cfg)
        weights = {
            k: {"shape": list(v.shape), "data": v.reshape(-1).tolist()}
            for k, v in named_weights(net).items()
        }
        results.append({"loss": loss.item(), "weights": weights})
    with open(a.out, "w") as f:
        json.dump(results, f)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_step(net, opt, data, seed, cfg, device):
    """One training step's wall time in ms (CUDA events on a GPU) and its loss."""
    if device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
    else:
        t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = loss_of(net, data, seed, cfg)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    if device.type == "cuda":
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end), loss.item()
    return (time.perf_counter() - t0) * 1000, loss.item()


def bench_one(cfg, part, data, impl, device, seed):
    torch.manual_seed(seed)
    net = Net(cfg, part.x.shape[1], part.edge_attr.shape[1], part.outputs, impl).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for i in range(cfg["warmup"]):
        time_step(net, opt, data, seed + i, cfg, device)
    sync(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times, loss = [], None
    for i in range(cfg["timed"]):
        ms, loss = time_step(net, opt, data, seed + cfg["warmup"] + i, cfg, device)
        times.append(ms)
    cuda = device.type == "cuda"
    out = {
        "label": cfg["label"],
        "status": "ok",
        "params": sum(p.numel() for p in net.parameters()),
        "loss": loss,
        "stepMs": statistics.median(times),
        "stepMsAll": times,
        "maxMemoryAllocated": torch.cuda.max_memory_allocated(device) if cuda else None,
        "maxMemoryReserved": torch.cuda.max_memory_reserved(device) if cuda else None,
    }
    del net, opt
    if cuda:
        torch.cuda.empty_cache()
    return out


def impl_check(cfg, part, device, seed):
    """PyG's network against the plain one with the same weights: the same function?"""
    torch.manual_seed(seed)
    dims = (part.x.shape[1], part.edge_attr.shape[1], part.outputs)
    plain, pyg = Net(cfg, *dims, "plain").to(device), Net(cfg, *dims, "pyg").to(device)
    copy_weights(plain, pyg)
    data = tensors(part, device, torch.float32)
    a, b = loss_of(pyg, data, seed, cfg).item(), loss_of(plain, data, seed, cfg).item()
    return {"pygLoss": a, "plainLoss": b, "absDiff": abs(a - b)}


def bench(a):
    device = torch.device(a.device)
    impl = a.impl if a.impl != "auto" else ("pyg" if pyg_available() else "plain")
    part = Part(a.data)
    data = tensors(part, device, torch.float32)
    configs = json.loads(a.config)
    result = {
        "status": "ok",
        "impl": impl,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "implCheck": None,
        "steps": [],
    }
    if impl == "pyg":
        small = dict(configs[0], layers=min(configs[0]["layers"], 4))
        try:
            result["implCheck"] = impl_check(small, part, device, a.seed)
        except Exception as e:  # reported; the timings below still run
            result["implCheck"] = {"error": repr(e)}
    for cfg in configs:
        print(f"peer: {cfg['label']} ({impl} on {result['device']})", file=sys.stderr, flush=True)
        try:
            result["steps"].append(bench_one(cfg, part, data, impl, device, a.seed))
        except Exception as e:  # an out-of-memory or a PyG version mismatch: report, go on
            result["steps"].append({"label": cfg["label"], "status": "error", "message": repr(e)})
            if device.type == "cuda":
                torch.cuda.empty_cache()
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--data", required=True)
    b.add_argument("--config", required=True, help="JSON list of configurations")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    b.add_argument("--impl", choices=["auto", "pyg", "plain"], default="auto")
    b.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", required=True)
    c.add_argument("--config", required=True, help="JSON list of configurations")
    c.add_argument("--out", required=True)
    a = p.parse_args(argv)
    (bench if a.cmd == "bench" else check)(a)


if __name__ == "__main__":
    main()
