"""Full-graph logits of the exported network: float32, N x outputs, dropout off, rows in the
dataset's node order (global ids 0..N-1), written as .npy, the layout of
`npm run cli -- predict --weights W --data DIR --out logits.npy`.

    python3 predict.py --data DATASET_DIR [--weights F] --out logits.npy [--json scores.json]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data as D  # noqa: E402
import evaluate as E  # noqa: E402
import model as M  # noqa: E402
from train import default_data_dir, finite, load_export_config  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    cfg = load_export_config()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_dir = default_data_dir(cfg)
    p.add_argument("--data", default=data_dir, required=not data_dir, help="dataset folder (manifest.json + shards)")
    p.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"))
    p.add_argument("--out", required=True, help="the logits (.npy)")
    p.add_argument("--json", help="also write the train/valid/test metric here")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = p.parse_args(argv)
    ds = D.load_dataset(a.data)
    module = M.build_model(cfg["model"], cfg["dims"])
    M.load_weights(module, a.weights)
    module.to(a.device)
    logits = E.predict_by_parts(module, ds, D.Plan(), a.device)
    if ds.num_nodes != ds.manifest["numNodes"]:
        raise SystemExit(f"{a.data}: only {ds.num_nodes} of {ds.manifest['numNodes']} nodes were loaded")
    np.save(a.out, logits.astype(np.float32))
    s = E.scores(ds, logits)
    metric = ds.manifest["metric"]
    shown = ", ".join(f"{k} {v:.4f}" for k, v in s.items())
    print(f"wrote {a.out} ({logits.shape[0]} x {logits.shape[1]}); {metric}: {shown}", file=sys.stderr)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(finite({"metric": metric, **s}), f, indent=2)


if __name__ == "__main__":
    main()
