"""Matching engine benchmark: time, peak memory and quality per size, with ratios from one run.

    .venv/bin/python bench/matching.py [--sizes 1000,2000,5000,10000,100000,1000000]
                                       [--networkx-max 5000] [--orgs 200] [--rounds 12]

Each population: `--orgs` organisations of Zipf-skewed sizes, and `--rounds` earlier rounds of
random cross-organisation pairs as history (about 5.7 million pairs at a million people).

"cpu s" is the same call in CPU seconds of the process (on a shared machine the wall clock
also counts waiting for a core). "objects s" is match_round on Candidate objects with the same
numpy history; "x arrays" its CPU time over match_arrays'; "+blocked" the extra CPU time with
n // 10 random blocked pairs, "+repeat" with every history pair repeatable (the round it was
met, as id and round arrays). The variants run interleaved, fastest of five each.
A second table times group_size 3 and 4 and shows people placed against the engine's upper
bound (the exact maximum is not known above pairs; the issue asks for at least 99% of it).

Every size runs in fresh child processes, so one size's memory cannot hide in another's:
- "engine MiB" is tracemalloc's peak during one match_arrays call (numpy reports its buffers
  to tracemalloc): what the engine itself allocates, not counting its inputs;
- "RSS MiB" is the child's ru_maxrss (resource.getrusage) after the whole run: interpreter,
  numpy, generated inputs and engine together, i.e. what the machine had to provide.
networkx runs `max_weight_matching(maxcardinality=True)` (blossom, as Yelp/beans does) on the
same compatibility graph, in its own child, for sizes up to --networkx-max; its maximum is the
exact reference. Above that the reference is the simple upper bound, computed here from the
input alone: 2 * min(n // 2, n - largest organisation), plus one for a triad when n is odd.
Reaching it proves the result maximum, whatever the engine claims.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unmentor.matching import Candidate, match_arrays, match_round


def community(n: int, *, orgs: int, rounds: int, seed: int = 0):
    """Ids, organisation codes and a (k, 2) history of `rounds` random cross-org rounds."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, orgs + 1)
    org = rng.choice(orgs, size=n, p=weights / weights.sum())
    ids = np.arange(1, n + 1, dtype=np.int64) * 3  # database-like ids, not positions
    history = []
    for _ in range(rounds):
        order = rng.permutation(n)
        a, b = order[0 : n - 1 : 2], order[1::2]
        keep = org[a] != org[b]
        history.append(np.stack([ids[a[keep]], ids[b[keep]]], axis=1))
    return ids, org, np.concatenate(history) if history else np.zeros((0, 2), np.int64)


def _best(fn, runs: int, clock=time.perf_counter) -> float:
    """The fastest of `runs` (the machine is shared: slower runs measure the neighbours)."""
    times = []
    for i in range(runs):
        start = clock()
        fn(i)
        times.append(clock() - start)
    return float(np.min(times))


def child_engine(n: int, orgs: int, rounds: int) -> dict:
    ids, org, history = community(n, orgs=orgs, rounds=rounds)
    rng = np.random.default_rng(0)
    permutation = min(
        _best(lambda _: rng.permutation(n), 5), _best(lambda _: rng.permutation(n), 5)
    )
    runs = 5
    result = match_arrays(ids, org, history, seed=0)
    blocked = ids[rng.integers(0, n, size=(n // 10, 2))]
    met_in = np.repeat(np.arange(1, rounds + 1), len(history) // max(rounds, 1) + 1)
    met_in = met_in[: len(history)]
    candidates = [Candidate(int(i), str(o)) for i, o in zip(ids, org, strict=True)]
    variants = {
        "engine": lambda i: match_arrays(ids, org, history, seed=i),
        "objects": lambda i: match_round(candidates, history, seed=i),
        "blocked": lambda i: match_arrays(ids, org, history, blocked=blocked, seed=i),
        "repeat": lambda i: match_arrays(ids, org, history, seed=i, repeatable=(history, met_in)),
    }
    # Interleaved, so that a busy neighbour slows every variant alike; fastest of each kept.
    wall = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    for i in range(runs):
        for name, run in variants.items():
            start, used = time.perf_counter(), time.process_time()
            run(i + 1)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - used)
    engine, objects = min(wall["engine"]), min(wall["objects"])
    ratio = {name: min(cpu[name]) / min(cpu["engine"]) for name in variants}
    variants.clear()  # lets the million Candidate objects go before the group-size runs
    groups = {}
    for size in (3, 4):
        start = time.perf_counter()
        grouped = match_arrays(ids, org, history, seed=0, group_size=size)
        seconds = time.perf_counter() - start
        groups[size] = (seconds, grouped.placed, grouped.upper_bound)
    tracemalloc.start()
    match_arrays(ids, org, history, seed=99)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "engine": engine,
        "cpu": min(cpu["engine"]),
        "objects": objects,
        "ratio": ratio,
        "groups": groups,
        "permutation": permutation,
        "traced": peak / 2**20,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "placed": 2 * len(result.pairs) + (3 if result.triad is not None else 0),
        "bound": simple_bound(n, org),
        "proven": bool(result.is_proven_maximum),
        "history": len(history),
    }


def simple_bound(n: int, org: np.ndarray) -> int:
    """People placeable at most, ignoring history: min(n // 2, n - L) pairs, plus a triad."""
    pairs = min(n // 2, n - int(np.bincount(org).max()))
    return 2 * pairs + (1 if n > 2 * pairs and pairs == n // 2 else 0)


def child_networkx(n: int, orgs: int, rounds: int) -> dict:
    import networkx as nx

    ids, org, history = community(n, orgs=orgs, rounds=rounds)
    met = set(map(tuple, np.sort(history, axis=1).tolist()))
    a, b = np.triu_indices(n, k=1)
    cross = org[a] != org[b]
    edges = [
        (x, y)
        for x, y in zip(ids[a[cross]].tolist(), ids[b[cross]].tolist(), strict=True)
        if (x, y) not in met
    ]
    graph = nx.Graph()
    graph.add_nodes_from(ids.tolist())
    graph.add_edges_from(edges)
    del edges, a, b, cross
    start = time.perf_counter()
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    seconds = time.perf_counter() - start
    return {
        "networkx": seconds,
        "exact": 2 * len(matching),
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run_child(kind: str, n: int, args) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--n", str(n)]
    command += ["--orgs", str(args.orgs), "--rounds", str(args.rounds)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000,100000,1000000")
    parser.add_argument("--networkx-max", type=int, default=5000)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--child", choices=["engine", "networkx"])
    parser.add_argument("--n", type=int)
    args = parser.parse_args()
    if args.child:
        work = child_engine if args.child == "engine" else child_networkx
        print(json.dumps(work(args.n, args.orgs, args.rounds)))
        return
    print(
        f"{args.orgs} organisations (Zipf sizes), {args.rounds} earlier rounds of history; "
        f"networkx up to {args.networkx_max:,} people"
    )
    header = (
        f"{'people':>9} {'history':>9} {'engine s':>9} {'cpu s':>7} {'objects s':>9} "
        f"{'x arrays':>8} {'+blocked':>8} {'+repeat':>8} {'engine MiB':>10} {'RSS MiB':>8} "
        f"{'x perm':>7} {'networkx s':>10} {'nx RSS MiB':>10} {'x faster':>9} "
        f"{'placed/max':>18} {'proven':>6}"
    )
    print(header)
    grouped = []
    for n in (int(s) for s in args.sizes.split(",")):
        e = _run_child("engine", n, args)
        x = _run_child("networkx", n, args) if n <= args.networkx_max else None
        if x is not None:
            # networkx gives the most pairs; an odd one out may still join a triad.
            exact = x["exact"] + (1 if n > x["exact"] and e["placed"] > x["exact"] else 0)
            reference, label = exact, "nx"
        else:
            reference, label = e["bound"], "bound"
        nx_cells = (
            f"{x['networkx']:10.2f} {x['rss']:10.0f} {x['networkx'] / e['engine']:9.0f}"
            if x
            else f"{'-':>10} {'-':>10} {'-':>9}"
        )
        extra = {k: f"{100 * (e['ratio'][k] - 1):+7.0f}%" for k in ("blocked", "repeat")}
        print(
            f"{n:9,} {e['history']:9,} {e['engine']:9.4f} {e['cpu']:7.4f} {e['objects']:9.4f} "
            f"{e['ratio']['objects']:8.2f} {extra['blocked']} {extra['repeat']} "
            f"{e['traced']:10.0f} {e['rss']:8.0f} {e['engine'] / e['permutation']:7.0f} "
            f"{nx_cells} {e['placed']:>8,}/{reference:,} {label:<5} {e['proven']!s:>6}",
            flush=True,
        )
        assert e["placed"] <= reference <= e["bound"]
        grouped.append((n, e["groups"]))
    print(f"\n{'people':>9} {'size':>4} {'seconds':>8} {'placed/upper bound':>22} {'ratio':>7}")
    for n, groups in grouped:
        for size, (seconds, placed, bound) in sorted(groups.items(), key=lambda kv: int(kv[0])):
            ratio = placed / bound if bound else 1.0
            print(f"{n:9,} {size:>4} {seconds:8.3f} {placed:>10,}/{bound:<11,} {ratio:7.2%}")


if __name__ == "__main__":
    main()
