"""The matching engine against its targets, measured in one run on this machine.

For each size: time and peak memory (each size runs in a fresh child process and reports its
own ru_maxrss, so sizes do not inherit each other's peak), the ratio to a numpy permutation
of the same N (a floor no pairing can beat), the ratio to networkx max_weight_matching on the
same input where networkx finishes, and pairs found against the exact maximum (networkx) or,
at sizes out of its reach, against the upper bound min(⌊n/2⌋, n - largest organisation).

Input: 200 organisations of skewed sizes (weights 1/rank) and 12 earlier rounds of history.

    python bench/matching.py [--sizes 1000 10000 100000 1000000] [--networkx-max 2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

ORGANISATIONS = 200
HISTORY_ROUNDS = 12


def community(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, ORGANISATIONS + 1)
    orgs = rng.choice(ORGANISATIONS, size=n, p=weights / weights.sum())
    ids = np.arange(n, dtype=np.int64) * 3 + 11
    history = np.concatenate(
        [rng.permutation(ids)[: n - n % 2].reshape(-1, 2) for _ in range(HISTORY_ROUNDS)]
    )
    return ids, orgs, history


def measure(n: int, networkx_max: int) -> dict:
    """Runs inside a child process: one size, all measurements."""
    from unmentor.matching import match_arrays

    ids, orgs, history = community(n)
    started = time.perf_counter()
    np.random.default_rng(1).permutation(n)
    permutation = time.perf_counter() - started

    started = time.perf_counter()
    result = match_arrays(ids, orgs, history, seed=1)
    ours = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pairs = len(result.pairs)
    row = {
        "n": n,
        "seconds": ours,
        "peak_mib": peak_mib,
        "vs_permutation": ours / permutation,
        "pairs": pairs,
        "bound": result.upper_bound,
        "proven": result.is_proven_maximum,
    }
    if n <= networkx_max:
        import networkx as nx

        met = {(int(a), int(b)) for a, b in history} | {(int(b), int(a)) for a, b in history}
        graph = nx.Graph()
        graph.add_nodes_from(ids.tolist())
        id_list, org_list = ids.tolist(), orgs.tolist()
        for i in range(n):
            for j in range(i + 1, n):
                if org_list[i] != org_list[j] and (id_list[i], id_list[j]) not in met:
                    graph.add_edge(id_list[i], id_list[j])
        started = time.perf_counter()
        exact = len(nx.max_weight_matching(graph, maxcardinality=True))
        row["networkx_seconds"] = time.perf_counter() - started
        row["exact"] = exact
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--networkx-max", type=int, default=2_000, help="largest N to also run networkx on"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.networkx_max)))
        return
    sizes = sorted(set(args.sizes + [s for s in (2_000, 5_000) if s <= args.networkx_max]))
    print(
        f"{'N':>9} {'seconds':>9} {'peak MiB':>9} {'x permutation':>14} {'networkx s':>11} "
        f"{'nx / ours':>10} {'pairs':>8} {'maximum':>9} {'matched':>8}"
    )
    for n in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--networkx-max", str(args.networkx_max)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(output)
        if "exact" in row:
            maximum, label = row["exact"], "exact"
            nx_seconds = f"{row['networkx_seconds']:.2f}"
            speedup = f"{row['networkx_seconds'] / row['seconds']:.0f}x"
        else:
            maximum, label = row["bound"], "bound" + ("" if row["proven"] else "?")
            nx_seconds = speedup = "-"
        print(
            f"{n:>9} {row['seconds']:>9.3f} {row['peak_mib']:>9.0f} "
            f"{row['vs_permutation']:>14.1f} {nx_seconds:>11} {speedup:>10} "
            f"{row['pairs']:>8} {maximum:>9} {row['pairs'] / max(maximum, 1):>7.2%} ({label})"
        )
    print(
        "targets: 10^6 in < 3 s and < 2048 MiB with a maximum result; "
        ">= 1000x networkx at 5,000 (run with --networkx-max 5000; networkx takes ~1 min there)"
    )


if __name__ == "__main__":
    main()
