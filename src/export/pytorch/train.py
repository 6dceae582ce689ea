"""Trains the exported network with the engine's protocol: random parts per epoch (one optimizer
step each), Adam with gradient-norm clipping, the engine's shared dropout per step, evaluation by
parts with best-valid selection. Writes the same JSON as `npm run cli -- train`.

    python3 train.py --data DATASET_DIR --out run.json [--save trained.safetensors]
    torchrun --nproc_per_node N train.py --data DATASET_DIR ...   (DistributedDataParallel)

With N processes each takes its share of an epoch's parts: parts s, s + N, ... go to rank s, and
one optimizer step averages the gradients of N parts (one part per step when N = 1, exactly the
engine's schedule). Backend: nccl on CUDA, gloo on CPU.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data as D  # noqa: E402
import evaluate as E  # noqa: E402
import model as M  # noqa: E402
from weights_io import write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def load_export_config(path=None):
    with open(path or os.path.join(HERE, "config.json"), encoding="utf-8") as f:
        return json.load(f)


def default_data_dir(cfg):
    """The export's dataset folder: a relative one (carried in the package) is under HERE."""
    d = cfg.get("source", {}).get("dataDir")
    return d if not d or os.path.isabs(d) else os.path.join(HERE, d)


def shard_list(text):
    return [int(s) for s in text.split(",")] if text else None


def parse_args(cfg, argv=None):
    t = cfg.get("train", {})
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--data", default=default_data_dir(cfg), help="dataset folder (manifest.json + shards)")
    p.add_argument("--shards", type=shard_list, default=t.get("shards"), help="shards to load, e.g. 0,2 (default all)")
    p.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"), help="starting weights")
    p.add_argument("--epochs", type=int, default=t.get("epochs", 20))
    p.add_argument("--lr", type=float, default=t.get("lr", 0.005))
    p.add_argument("--weight-decay", type=float, default=t.get("weightDecay", 0.0))
    p.add_argument("--clip", type=float, default=t.get("clip", 1.0), help="max global gradient norm (0: off)")
    p.add_argument("--parts", type=int, default=t.get("parts", 1), help="random parts per epoch (0: one per shard)")
    p.add_argument("--eval-parts", type=int, default=t.get("evalParts", 1))
    p.add_argument("--eval-views", type=int, default=t.get("evalViews", 1))
    p.add_argument("--eval-every", type=int, default=t.get("evalEvery", 1))
    p.add_argument("--stream", choices=["auto", "memory", "stream"], default=t.get("stream", "auto"),
                   help="parts as random unions of shards, as the engine streams large datasets")
    p.add_argument("--seed", type=int, default=t.get("seed", 0))
    p.add_argument("--dropout", type=float, default=cfg["model"]["dropout"])
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--out", help="write the run's JSON here (default: stdout)")
    p.add_argument("--save", help="write the trained weights here (safetensors)")
    a = p.parse_args(argv)
    if not a.data:
        p.error("--data DATASET_DIR is required")
    return a


class Distributed:
    """This process's place among torchrun's (rank 0 of 1 without torchrun)."""

    def __init__(self, device):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.device = device
        if self.world > 1:
            if device.startswith("cuda"):
                local = int(os.environ.get("LOCAL_RANK", "0"))
                torch.cuda.set_device(local)
                self.device = f"cuda:{local}"
            dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")

    def sum(self, t):
        if self.world > 1:
            dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t

    def close(self):
        if self.world > 1:
            # Together, and with nothing (DDP's reducer) still holding the group: a rank that
            # tears its group down while another is still writing can hang in gloo.
            dist.barrier()
            dist.destroy_process_group()


def train_epoch(net, module, opt, ds, plan, epoch, args, env):
    """One epoch; returns (mean loss over the parts with training nodes, optimizer steps, solver
    stats of the DEQ solves)."""
    module.train()
    parts = D.train_parts(ds, plan, epoch)
    loss_sum = torch.zeros(2)
    solves, steps = [], 0
    for start in range(0, len(parts), env.world):
        s = start + env.rank
        idle = s >= len(parts)
        # An idle rank (the last round of an uneven split) still joins the gradient averaging,
        # with a zero weight, so that every rank takes the same optimizer step.
        part = D.Part(ds, parts[s if not idle else start], env.device)
        seed = D.step_seed(plan.seed, epoch, s if not idle else start)
        mask = M.dropout_mask(seed, args.dropout, part.num_nodes, module.cfg["channels"], env.device)
        has = not idle and bool(part.labelled(D.SPLIT_TRAIN).any())
        active = int(env.sum(torch.tensor([float(has)])).item())
        if active == 0:
            continue
        opt.zero_grad(set_to_none=False)
        if isinstance(module, M.DEQNetwork):
            module.steps += 1
        logits = net(part.graph, mask)
        loss = E.task_loss(logits, part)
        weight = env.world / active if has else 0.0
        (loss * weight if loss is not None else logits.sum() * 0.0).backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(module.parameters(), args.clip)
        opt.step()
        steps += 1
        if has:
            loss_sum += torch.tensor([float(loss), 1.0])
            if module.cfg["model"] == "deq" and module.last_solves["forward"]:
                solves.append(dict(module.last_solves))
    loss_sum = env.sum(loss_sum)
    return (float(loss_sum[0] / loss_sum[1]) if loss_sum[1] > 0 else float("nan")), steps, solves


def solver_summary(solves):
    if not solves:
        return None
    f = [s["forward"] for s in solves]
    b = [s["backward"] or {"iterations": 0, "residual": 0.0, "converged": True} for s in solves]
    return {
        "forwardIterations": sum(x["iterations"] for x in f) / len(f),
        "backwardIterations": sum(x["iterations"] for x in b) / len(b),
        "forwardResidual": max(x["residual"] for x in f),
        "backwardResidual": max(x["residual"] for x in b),
        "unconverged": sum(1 for x, y in zip(f, b) if not (x["converged"] and y["converged"])),
    }


def adapter_info(env):
    dev = env.device
    name = torch.cuda.get_device_name(dev) if dev.startswith("cuda") else "CPU"
    return {
        "vendor": "pytorch",
        "architecture": f"torch {torch.__version__}",
        "device": name,
        "description": f"PyTorch {torch.__version__} on {env.world} × {name}",
        "isFallbackAdapter": False,
    }


def memory(env):
    """Peak bytes in use and held (CUDA's allocated and reserved); null on the CPU."""
    if not env.device.startswith("cuda"):
        return {"peakBytes": None, "peakByTag": None, "peakHeldBytes": None, "peakHeldByTag": None}
    return {
        "peakBytes": torch.cuda.max_memory_allocated(env.device),
        "peakByTag": None,
        "peakHeldBytes": torch.cuda.max_memory_reserved(env.device),
        "peakHeldByTag": None,
    }


def save_weights(path, module, cfg, epoch, steps, dataset):
    meta = {
        "format": "pt",
        "revgnn": json.dumps({
            "engine": cfg.get("engine"),
            "model": cfg["model"],
            "dims": cfg["dims"],
            "epoch": epoch,
            "steps": steps,
            "dataset": dataset,
            "trainer": "pytorch",
        }),
        "steps": str(steps),
    }
    write_safetensors(path, dict(module.named_parameters()), meta)


def finite(v):
    """NaN and infinities as null, as JSON.stringify writes them."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: finite(x) for k, x in v.items()}
    if isinstance(v, list):
        return [finite(x) for x in v]
    return v


def best_of(epochs):
    best = {"epoch": 0, "valid": None, "test": None}
    for r in epochs:
        v = r["valid"]
        if v is not None and not math.isnan(v) and (best["valid"] is None or v > best["valid"]):
            best = {"epoch": r["epoch"], "valid": v, "test": r["test"]}
    return best


def run_json(args, env, ds, plan, module, epochs, start):
    """The run as `npm run cli -- train` writes it, plus the process count and the coupling."""
    model_cfg = module.cfg
    return {
        "config": {
            "data": args.data,
            "dataset": ds.manifest["name"],
            **model_cfg,
            "epochs": args.epochs,
            "lr": args.lr,
            "weightDecay": args.weight_decay,
            "weightDecayScope": "all",
            "patience": 0,
            "clip": args.clip,
            "seed": args.seed,
            "evalEvery": args.eval_every,
            "reconstructionEvery": 0,
            "parts": args.parts,
            "evalParts": args.eval_parts,
            "evalViews": args.eval_views,
            "streamed": plan.streamed,
            "world": env.world,
            "coupling": M.REV_IMPLEMENTATION if model_cfg["model"] in ("rev", "wtrev") else None,
            "startEpoch": start,
        },
        "adapter": adapter_info(env),
        "limits": {"maxBufferSize": None, "maxStorageBufferBindingSize": None},
        "kernels": None,  # the engine's WebGPU kernel variants; PyTorch runs its own
        "graph": {"nodes": ds.num_nodes, "edges": ds.num_edges},
        "params": M.count_parameters(module),
        "epochs": epochs,
        "best": best_of(epochs),
        "earlyStopped": False,  # train.py has no patience: it runs every epoch it is given
        **memory(env),
    }


def setup(cfg, args, env):
    """The data, its plan, and the network with the starting weights (and its DDP wrapper)."""
    ds = D.load_dataset(args.data, args.shards)
    dims = D.dims_of(ds)
    if dims != {**dims, **cfg["dims"]}:
        raise SystemExit(f"{args.data}: the dataset's dimensions {dims} are not the model's {cfg['dims']}")
    streamed = args.stream == "stream" or (args.stream == "auto" and ds.shard_bytes > D.STREAM_ABOVE_BYTES)
    plan = D.Plan(args.parts, args.eval_parts, args.eval_views, args.seed, streamed)
    plan.check(ds)
    module = M.build_model(dict(cfg["model"], dropout=args.dropout), cfg["dims"])
    meta = M.load_weights(module, args.weights)
    module.to(env.device)
    net = module
    if env.world > 1:
        devices = None if env.device == "cpu" else [env.device]
        net = torch.nn.parallel.DistributedDataParallel(module, device_ids=devices)
    return ds, plan, module, net, meta


def main(argv=None):
    cfg = load_export_config()
    args = parse_args(cfg, argv)
    env = Distributed(args.device)
    torch.manual_seed(args.seed)
    ds, plan, module, net, meta = setup(cfg, args, env)
    # The engine's Adam: torch's semantics, L2 weight decay, clipping before the step.
    opt = torch.optim.Adam(
        module.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=args.weight_decay
    )
    start = json.loads(meta["revgnn"]).get("epoch", 0) if "revgnn" in meta else 0
    epochs, steps = [], 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        loss, taken, solves = train_epoch(net, module, opt, ds, plan, epoch, args, env)
        steps += taken
        record = {"epoch": epoch, "loss": loss, "train": None, "valid": None, "test": None}
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            logits = E.predict_by_parts(module, ds, plan, env.device, env.rank, env.world, env.sum)
            record.update(E.scores(ds, logits))
        record["ms"] = (time.time() - t0) * 1000
        summary = solver_summary(solves)
        if summary:
            record["solver"] = summary
        epochs.append(record)
        if env.rank == 0:
            shown = f"valid {record['valid']} test {record['test']}"
            print(f"epoch {epoch}/{args.epochs} loss {loss:.4f} {shown}", file=sys.stderr)
    if env.rank == 0:
        text = json.dumps(finite(run_json(args, env, ds, plan, module, epochs, start)), indent=2) + "\n"
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        if args.save:
            before = int(meta.get("steps", "0") or 0)
            taken = module.steps if isinstance(module, M.DEQNetwork) else before + steps
            save_weights(args.save, module, cfg, start + args.epochs, taken, ds.manifest["name"])
            print(f"wrote {args.save}", file=sys.stderr)
    del net, opt
    env.close()


if __name__ == "__main__":
    main()
