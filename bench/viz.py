"""Network images for 500 and 10,000 people over 12 rounds, against networkx in the same run.

Prints, per size: the stable layouts of all 12 rounds, then the last round's SVG and PNG, each
timed on its own, and the totals against the brief's targets (under 2 s for 500 people, under 15 s
for 10,000, layouts plus both images). Then networkx on the same final graph: one layout of the
cumulative network by networkx's Fruchterman-Reingold (50 iterations) and `nx.draw` on a bare
Figure's axes saved as SVG and PNG, and the ratio of ours to it.

Then the outputs for following the network (issue 14), beside those still-picture timings:
the animated GIF of all 12 rounds from the same layouts (targets: under 10 s for 500 people,
under 120 s for 10,000), and, served for real (the community bulk-loaded into a temporary
SQLite database, the app on uvicorn in this process, pictures drawn in its worker process),
the first and the cached response of /public/network.gif, /public/connectivity.svg,
/public/feed.atom, a round's page and its share card (cached target: under 50 ms, median).

About the baseline: `nx.spring_layout` hands graphs of 500 nodes or more to its sparse solver,
which needs scipy, not a dependency here (the bench prints whether that call works); then it
calls the dense solver that `spring_layout` uses below 500 nodes,
`networkx.drawing.layout._fruchterman_reingold`, on the same adjacency matrix: the same algorithm,
O(n^2) time and memory per iteration. At 10,000 people one iteration takes seconds and ~5 GB, so
by default the bench times a few iterations and scales to 50 (printed as "extrapolated");
`--full` runs all 50.

    python bench/viz.py [--full] [--sizes 500 10000] [--no-http]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/viz.py`, this file's folder comes first on sys.path and `import viz` would
# find this very file; the package lives one folder up.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from io import BytesIO  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # nx.draw imports pyplot; keep it off any GUI backend

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from networkx.drawing.layout import _fruchterman_reingold  # noqa: E402

from viz import compute_layouts, layout_frame, layout_stability, render_network  # noqa: E402
from viz.animation import render_animation  # noqa: E402
from viz.network import neighbourhoods  # noqa: E402
from viz.synthetic import synthetic_community  # noqa: E402

ROUNDS = 12
TARGETS = {500: 2.0, 10_000: 15.0}
ANIMATION_TARGETS = {500: 10.0, 10_000: 120.0}
CACHED_TARGET_MS = 50.0
FOLLOWING_PATHS = (
    "/public/network.gif",
    "/public/connectivity.svg",
    "/public/feed.atom",
    f"/public/rounds/{ROUNDS - 1}/",
    f"/public/rounds/{ROUNDS - 1}/card.png",
)
CACHED_RUNS = 30
NX_ITERATIONS = 50


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def ours(community) -> dict[str, float]:
    # Neighbourhoods by sector, as the service lays the public pictures out.
    groups = neighbourhoods(community.people, public=True)
    t_layout, layouts = timed(lambda: compute_layouts(community.links, groups=groups))
    frame = layout_frame(layouts[ROUNDS])
    last = layouts[ROUNDS]

    def image(fmt):
        return render_network(
            community.people,
            community.links,
            ROUNDS,
            public=True,
            fmt=fmt,
            layout=last,
            frame=frame,
        )

    t_svg, svg = timed(lambda: image("svg"))
    t_png, png = timed(lambda: image("png"))
    drift = max(layout_stability(layouts[n - 1], layouts[n]) for n in range(2, ROUNDS + 1))
    t_gif, gif = timed(
        lambda: render_animation(
            community.people,
            community.links,
            list(range(1, ROUNDS + 1)),
            layouts,
            frame,
            public=True,
        )
    )
    return {
        "gif": t_gif,
        "gif_mb": len(gif) / 1e6,
        "layout": t_layout,
        "svg": t_svg,
        "png": t_png,
        "svg_mb": len(svg) / 1e6,
        "png_mb": len(png) / 1e6,
        "drift": drift,
    }


def served(community) -> list[tuple[str, float, float, int]]:
    """(path, first response s, cached median ms, bytes) through the real app, in one run."""
    import httpx
    import uvicorn

    from unmentor.app import create_app
    from unmentor.db import Database, upgrade
    from unmentor.network.synthetic import load_community
    from unmentor.settings import load_settings

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        database = Database(url)
        # The last round open, as in a live scheme: the feed has an entry per closed round.
        load_community(database=database, community=community, open_rounds=1)
        settings = load_settings(
            config_file=HERE.parent / "config.toml",
            database_url=url,
            organiser_token="bench-organiser-token-0123456789",
            secret_key="bench-secret-key-0123456789abcdef",
            mail_backend="file",
            mail_dir=Path(folder) / "mail",
        )
        config = uvicorn.Config(
            create_app(settings, database=database),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        rows = []
        try:
            with httpx.Client(base_url=base, timeout=600) as http:

                def get(path):
                    response = http.get(path)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code}")
                    return response

                for path in FOLLOWING_PATHS:
                    first, response = timed(lambda path=path: get(path))
                    cached = [timed(lambda path=path: get(path))[0] for _ in range(CACHED_RUNS)]
                    rows.append(
                        (path, first, 1000 * statistics.median(cached), len(response.content))
                    )
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            database.dispose()
    return rows


def networkx_baseline(community, full: bool) -> dict[str, float | str]:
    graph = nx.Graph()
    graph.add_edges_from((link.a, link.b) for link in community.links)
    try:
        nx.spring_layout(graph, seed=1, iterations=1)
    except ImportError as error:
        spring = f"fails ({error}); dense solver timed instead"
        t_layout, positions, how = dense_layout(graph, full)
    else:
        spring = "works; timed as is"
        t_layout, layout = timed(lambda: nx.spring_layout(graph, seed=1))
        positions, how = [layout[node] for node in graph], "measured"
    pos = dict(zip(graph, positions, strict=True))
    size = 3 if len(graph) > 2000 else 20

    def draw(fmt):
        fig = Figure(figsize=(9, 7.2), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        nx.draw(graph, pos, ax=ax, node_size=size, width=0.3)
        out = BytesIO()
        fig.savefig(out, format=fmt)
        return out.getvalue()

    t_svg, _ = timed(lambda: draw("svg"))
    t_png, _ = timed(lambda: draw("png"))
    return {
        "layout": t_layout,
        "svg": t_svg,
        "png": t_png,
        "how": how,
        "spring": spring,
    }


def dense_layout(graph: nx.Graph, full: bool) -> tuple[float, np.ndarray, str]:
    """What spring_layout runs below 500 nodes, timed over all 50 iterations or scaled from 3."""
    start = time.perf_counter()
    matrix = nx.to_numpy_array(graph)
    setup = time.perf_counter() - start
    iterations = NX_ITERATIONS if full or len(graph) < 2000 else 3
    start = time.perf_counter()
    positions = _fruchterman_reingold(matrix, iterations=iterations, seed=np.random.RandomState(1))
    seconds = setup + (time.perf_counter() - start) * NX_ITERATIONS / iterations
    how = "measured" if iterations == NX_ITERATIONS else f"extrapolated from {iterations}"
    return seconds, positions, how


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 10_000])
    parser.add_argument("--full", action="store_true", help="all 50 networkx iterations at 10k")
    parser.add_argument("--no-http", action="store_true", help="skip the served outputs")
    args = parser.parse_args()
    for size in args.sizes:
        community = synthetic_community(size, ROUNDS, seed=1)
        people = len({k for link in community.links for k in (link.a, link.b)})
        print(
            f"\n{size} people signed up, {people} linked, {len(community.links)} links, "
            f"{ROUNDS} rounds"
        )
        mine = ours(community)
        total = mine["layout"] + mine["svg"] + mine["png"]
        target = TARGETS.get(size)
        verdict = (
            ""
            if target is None
            else f"  target {target:.0f} s: " + ("met" if total < target else "MISSED")
        )
        print(f"  unmentor  layouts of all {ROUNDS} rounds {mine['layout']:7.2f} s")
        print(
            f"            last round SVG {mine['svg']:7.2f} s ({mine['svg_mb']:.1f} MB)"
            f"   PNG {mine['png']:6.2f} s ({mine['png_mb']:.2f} MB)"
        )
        print(
            f"            layout+SVG {mine['layout'] + mine['svg']:7.2f} s   "
            f"layout+PNG {mine['layout'] + mine['png']:6.2f} s   "
            f"all three {total:6.2f} s{verdict}"
        )
        print(f"            worst round-to-round drift {mine['drift']:.3f} of the layout's extent")
        gif_target = ANIMATION_TARGETS.get(size)
        gif_verdict = (
            ""
            if gif_target is None
            else f"  target {gif_target:.0f} s: "
            + ("met" if mine["gif"] < gif_target else "MISSED")
        )
        print(
            f"            animation of {ROUNDS} rounds (GIF) {mine['gif']:7.2f} s "
            f"({mine['gif_mb']:.1f} MB); with the layouts {mine['layout'] + mine['gif']:6.2f} s"
            f"{gif_verdict}"
        )
        if not args.no_http:
            print(f"  served    first response, then cached median of {CACHED_RUNS}:")
            for path, first, cached_ms, nbytes in served(community):
                verdict = "met" if cached_ms < CACHED_TARGET_MS else "MISSED"
                print(
                    f"            {path:<28} first {first:7.2f} s   cached {cached_ms:6.1f} ms "
                    f"({nbytes / 1e6:.2f} MB)  target {CACHED_TARGET_MS:.0f} ms: {verdict}"
                )
        base = networkx_baseline(community, args.full)
        base_total = base["layout"] + base["svg"] + base["png"]
        print(f"  networkx  spring_layout here: {base['spring']}")
        print(
            f"            FR layout (50 iterations) of the last round only {base['layout']:7.2f} s "
            f"({base['how']})"
        )
        print(
            f"            nx.draw SVG {base['svg']:7.2f} s   PNG {base['png']:6.2f} s   "
            f"all three {base_total:6.2f} s"
        )
        print(
            f"  ratio ours/networkx: layout {mine['layout'] / base['layout']:.3f}   "
            f"SVG {mine['svg'] / base['svg']:.2f}   PNG {mine['png'] / base['png']:.2f}   "
            f"all three {total / base_total:.3f}"
        )


if __name__ == "__main__":
    main()
