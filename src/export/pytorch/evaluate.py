"""The engine's loss, metrics and evaluation by parts, shared by train.py and predict.py."""
import numpy as np
import torch
import torch.nn.functional as F

from data import SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, Part, eval_parts


def task_loss(logits, part):
    """Softmax cross-entropy over the labelled training nodes (multi-class), or BCE with logits
    over every task of the training nodes (multi-label), as a mean. None when the part has none."""
    sel = part.labelled(SPLIT_TRAIN)
    count = int(sel.sum())
    if count == 0:
        return None
    if part.task == "multiclass":
        return F.cross_entropy(logits[sel], part.labels[sel], reduction="sum") / count
    z = logits[sel]
    return F.binary_cross_entropy_with_logits(z, part.labels[sel], reduction="sum") / z.numel()


def accuracy(logits, labels, mask):
    sel = mask & (labels >= 0)
    if not sel.any():
        return float("nan")
    return float((logits[sel].argmax(axis=1) == labels[sel]).mean())


def roc_auc(scores, targets):
    """Mann-Whitney ROC-AUC, ties counted half; NaN without both classes."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    starts = np.flatnonzero(np.concatenate([[True], s[1:] != s[:-1]]))
    ends = np.concatenate([starts[1:], [len(s)]]) - 1
    ranks = np.empty(len(s))
    ranks[order] = np.repeat((starts + ends) / 2 + 1, ends - starts + 1)
    pos = int((targets > 0).sum())
    neg = len(s) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    return float((ranks[targets > 0].sum() - pos * (pos + 1) / 2) / (pos * neg))


def mean_roc_auc(logits, targets, mask):
    aucs = [roc_auc(logits[mask, t].astype(np.float64), targets[mask, t]) for t in range(logits.shape[1])]
    aucs = [a for a in aucs if not np.isnan(a)]
    return float(np.mean(aucs)) if aucs else float("nan")


def scores(ds, logits):
    """train / valid / test metric of N x outputs logits over the loaded nodes."""
    out = {}
    for name, code in (("train", SPLIT_TRAIN), ("valid", SPLIT_VALID), ("test", SPLIT_TEST)):
        mask = ds.split == code
        if ds.task == "multiclass":
            out[name] = accuracy(logits, ds.labels, mask)
        else:
            out[name] = mean_roc_auc(logits, ds.labels, mask)
    return out


def predict_by_parts(model, ds, plan, device, rank=0, world=1, reduce=None):
    """Logits of every loaded node, part by part (no dropout), averaged over the plan's views.
    With several processes each takes parts rank, rank + world, ...; `reduce` sums across them."""
    model.eval()
    outputs = None
    total = None
    with torch.no_grad():
        for view in range(plan.eval_views):
            for i, nodes in enumerate(eval_parts(ds, plan, view)):
                if i % world != rank:
                    continue
                part = Part(ds, nodes, device)
                logits = model(part.graph, None).float().cpu()
                if total is None:
                    outputs = logits.shape[1]
                    total = torch.zeros(ds.num_nodes, outputs)
                total[torch.from_numpy(nodes)] += logits
    if total is None:
        outputs = outputs or _outputs(model)
        total = torch.zeros(ds.num_nodes, outputs)
    if reduce is not None:
        total = reduce(total)
    return (total / plan.eval_views if plan.eval_views > 1 else total).numpy()


def _outputs(model):
    return model.head.linear.bias.shape[0]
