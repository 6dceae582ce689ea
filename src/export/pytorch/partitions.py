"""The engine's training protocol, reproduced bit for bit: its seeded PRNG (src/graph/rng.ts), the
random node partition of every epoch and evaluation view (random unions of shards when the engine
streams a dataset), and each step's dropout seed."""
import numpy as np

_M = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# The seeded PRNG: sfc32 seeded through splitmix32, u32 arithmetic.


def _imul(a, b):
    return (a * b) & _M


def _splitmix32(state):
    state = (state + 0x9E3779B9) & _M
    z = state
    z = _imul(z ^ (z >> 16), 0x85EBCA6B)
    z = _imul(z ^ (z >> 13), 0xC2B2AE35)
    z ^= z >> 16
    return state, z


def mix_seed(*parts):
    """Mixes integers (negative ones as their u32 bits, like JavaScript's >>> 0) into one seed."""
    h = 0x811C9DC5
    for p in parts:
        s, z = _splitmix32(h ^ (p & _M))
        s, z = _splitmix32(s ^ z)
        h = z ^ _imul(s, 0x27D4EB2D)
    return h


class Rng:
    def __init__(self, seed):
        s = seed & _M
        s, self.a = _splitmix32(s)
        s, self.b = _splitmix32(s)
        s, self.c = _splitmix32(s)
        _, self.d = _splitmix32(s)
        for _ in range(12):
            self.next_u32()

    def next_u32(self):
        t = (self.a + self.b + self.d) & _M
        self.d = (self.d + 1) & _M
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & _M
        self.c = ((self.c << 21) & _M) | (self.c >> 11)
        self.c = (self.c + t) & _M
        return t

    def int(self, n):
        limit = 4294967296 - (4294967296 % n)
        x = self.next_u32()
        while x >= limit:
            x = self.next_u32()
        return x % n

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.int(i + 1)
            p[i], p[j] = p[j], p[i]
        return np.asarray(p, dtype=np.int64)


def random_partition(n, parts, rng):
    """The part of every node: a seeded permutation cut into `parts` contiguous runs."""
    perm = rng.permutation(n)
    part_of = np.empty(n, dtype=np.int64)
    part_of[perm] = (np.arange(n, dtype=np.int64) * parts) // n
    return part_of


def part_members(part_of, parts):
    """The (ascending) nodes of each part."""
    order = np.argsort(part_of, kind="stable")
    counts = np.bincount(part_of, minlength=parts)
    return np.split(order, np.cumsum(counts)[:-1])


def step_seed(seed, epoch, step):
    """A training step's dropout seed, as the engine's trainer derives it."""
    h = (seed ^ 0x9E3779B9) & _M
    for v in (epoch, step):
        h = _imul(h ^ (v & _M), 0x85EBCA6B)
        h ^= h >> 13
        h = _imul(h, 0xC2B2AE35)
        h ^= h >> 16
    return h


def eval_epoch(view):
    """Evaluation partitions are seeded apart from every training epoch's."""
    return -1 - view


# ---------------------------------------------------------------------------------------------
# Parts: node sets (ascending local ids of a loaded dataset).


class Plan:
    """Training parts per epoch (0: one step per shard), evaluation parts and views, the seed, and
    whether parts are random unions of shards (the engine's streamed mode) or of nodes."""

    def __init__(self, parts=1, eval_parts=1, eval_views=1, seed=0, streamed=False):
        self.parts, self.eval_parts, self.eval_views = parts, eval_parts, eval_views
        self.seed, self.streamed = seed, streamed

    def check(self, ds):
        n = ds.num_nodes
        for what, v, least in (("parts per epoch", self.parts, 0), ("evaluation parts", self.eval_parts, 1)):
            if v < least:
                raise ValueError(f"{what} must be a whole number ≥ {max(least, 1)} (got {v}).")
            if v > n:
                raise ValueError(f"{v} {what} of {n} nodes would leave parts empty: use at most {n}.")
            if self.streamed and v > len(ds.shards):
                raise ValueError(
                    f"{v} parts need at least {v} shards, and this dataset has {len(ds.shards)} chosen."
                )
        if self.eval_views < 1:
            raise ValueError(f"Evaluation views must be a whole number ≥ 1 (got {self.eval_views}).")


def _all(ds):
    return [np.arange(ds.num_nodes, dtype=np.int64)]


def _schedule(ds, parts, seed, epoch, streamed):
    if parts == 0:
        return [m for m in ds.shard_members] if len(ds.shard_members) > 1 else _all(ds)
    if parts == 1:
        return _all(ds)
    if streamed:
        shards = list(range(len(ds.shards)))
        perm = Rng(mix_seed(seed, epoch)).permutation(len(shards))
        groups = [[] for _ in range(parts)]
        for k, p in enumerate(perm):
            groups[(k * parts) // len(perm)].append(shards[p])
        return [np.sort(np.concatenate([ds.shard_members[s] for s in g])) for g in groups]
    return part_members(random_partition(ds.num_nodes, parts, Rng(mix_seed(seed, epoch))), parts)


def train_parts(ds, plan, epoch):
    """The node sets of one training epoch (epochs count from 1), one optimizer step each."""
    return _schedule(ds, plan.parts, plan.seed, epoch, plan.streamed)


def eval_parts(ds, plan, view):
    """One evaluation view: a fixed random partition covering every loaded node once."""
    return _schedule(ds, plan.eval_parts, plan.seed, eval_epoch(view), plan.streamed)
