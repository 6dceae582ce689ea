"""Test harness of the PyTorch export (scripts/pytorch-export.node.test.ts): runs exported
packages on their datasets and writes what the engine is compared with.

    python3 pytorch_check.py REQUEST.json

REQUEST: {"cases": [{"package", "data", "out", "step": {"seed", "dropout"}}],
          "partitions": {"data", "seed", "parts", "epochs": [...], "views": [...], "out"},
          "mask": {"seed", "p", "rows", "cols", "out"}}
Per case: logits.npy (dropout off), grads.safetensors and loss.json for one training step.
"""
import json
import os
import sys

import numpy as np


def main(path):
    with open(path, encoding="utf-8") as f:
        req = json.load(f)
    first = req["cases"][0]["package"] if req.get("cases") else req["package"]
    sys.path.insert(0, first)  # every package carries the same modules; configs and weights differ
    import data as D
    import evaluate as E
    import model as M
    from weights_io import write_safetensors

    for case in req.get("cases", []):
        with open(os.path.join(case["package"], "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        net = M.build_model(cfg["model"], cfg["dims"])
        M.load_weights(net, os.path.join(case["package"], "weights.safetensors"))
        ds = D.load_dataset(case["data"])
        np.save(os.path.join(case["out"], "logits.npy"), E.predict_by_parts(net, ds, D.Plan(), "cpu"))
        part = D.Part(ds, np.arange(ds.num_nodes))
        net.train()
        mask = M.dropout_mask(case["step"]["seed"], case["step"]["dropout"], part.num_nodes, cfg["model"]["channels"])
        loss = E.task_loss(net(part.graph, mask), part)
        loss.backward()
        write_safetensors(os.path.join(case["out"], "grads.safetensors"), {n: p.grad for n, p in net.named_parameters()})
        extra = {"loss": float(loss)}
        if isinstance(net, M.DEQNetwork):
            extra["solves"] = net.last_solves
        with open(os.path.join(case["out"], "loss.json"), "w", encoding="utf-8") as f:
            json.dump(extra, f)

    p = req.get("partitions")
    if p:
        ds = D.load_dataset(p["data"])
        plan = D.Plan(p["parts"], p["parts"], 1, p["seed"])
        out = {
            "train": {str(e): [m.tolist() for m in D.train_parts(ds, plan, e)] for e in p["epochs"]},
            "eval": {str(v): [m.tolist() for m in D.eval_parts(ds, plan, v)] for v in p["views"]},
            "stepSeeds": [D.step_seed(p["seed"], e, s) for e in p["epochs"] for s in range(p["parts"])],
        }
        with open(p["out"], "w", encoding="utf-8") as f:
            json.dump(out, f)

    m = req.get("mask")
    if m:
        np.save(m["out"], M.dropout_mask(m["seed"], m["p"], m["rows"], m["cols"]).numpy())


if __name__ == "__main__":
    main(sys.argv[1])
