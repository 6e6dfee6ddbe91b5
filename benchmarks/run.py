"""The benchmark suite: every stage timed side by side with its anchor, in the same run, at several corpus sizes.

    python benchmarks/run.py                      # N = 1 000, 10 000, 100 000; 3 runs each
    python benchmarks/run.py --sizes 200 --repeat 1 --out /tmp/bench   # the smoke run of the tests

A stage is one function registered with its anchor (the cheapest honest way to do the same work) and a
target ratio; see `register`. Each measurement runs in a fresh subprocess, which reports its wall time
(imports excluded) and its peak RSS and that of its own worker processes; the suite keeps the median of
the runs, alternating anchor and stage so that both see the same machine load. Corpora are synthetic
(conflict_news.grow.synthetic), generated once per (N, seed) under benchmarks/corpora/ (git-ignored).
Results go to <out>/results/<date>.json (merged per stage and N), the table in <out>/README.md and the
figure <out>/scaling.png.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from stages_hf_ls import add_stages  # benchmarks/ is sys.path[0] when run.py runs as a script

HERE = Path(__file__).resolve().parent
TABLE_START, TABLE_END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[[Path], object]
    anchor: Callable[[Path], object]
    anchor_name: str
    target: float  # the stage may take at most this many times the anchor's time
    setup: Callable[[Path], object] | None = None  # untimed, in every measuring process: inputs, imports


STAGES: dict[str, Stage] = {}


def register(
    name: str,
    *,
    anchor: Callable[[Path], object],
    anchor_name: str,
    target: float,
    setup: Callable[[Path], object] | None = None,
) -> Callable[[Callable[[Path], object]], Callable[[Path], object]]:
    """Add a stage: `run(root)` does the work on the corpus root, `anchor(root)` the baseline it is held to."""

    def add(run: Callable[[Path], object]) -> Callable[[Path], object]:
        STAGES[name] = Stage(name=name, run=run, anchor=anchor, anchor_name=anchor_name, target=target, setup=setup)
        return run

    return add


# ---------------------------------------------------------------- stages


def parse_with_orjson(root: Path) -> int:
    """Read every file of the corpus root; orjson-parse the JSON, UTF-8-decode the texts."""
    count = 0
    for folder in ("corpus", "annotations"):
        for name in sorted(os.listdir(root / folder)):
            data = (root / folder / name).read_bytes()
            if name.endswith(".json"):
                orjson.loads(data)
            else:
                data.decode("utf-8")
            count += 1
    return count


@register("validate", anchor=parse_with_orjson, anchor_name="orjson parse of the same files", target=2.0)
def validate_root(root: Path) -> int:
    from conflict_news.core.validate import iter_errors

    issues = sum(1 for _ in iter_errors([root]))
    if issues:
        raise SystemExit(f"the benchmark corpus {root} has {issues} issue(s)")
    return issues


add_stages(register)


# ---------------------------------------------------------------- measuring


def measure(stage: str, role: str, root: Path) -> dict[str, float]:
    """Run one stage or anchor here (in the child process) and report time and peak memory."""
    chosen = STAGES[stage]
    func = chosen.run if role == "stage" else chosen.anchor
    if chosen.setup is not None:
        chosen.setup(root)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    func(root)
    seconds = time.perf_counter() - start
    kib = 1 if sys.platform != "darwin" else 1024  # ru_maxrss is KiB on Linux, bytes on macOS
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        # CPU time of this process and its workers: the work done, whatever the machine's load.
        "cpu_seconds": own.ru_utime
        + own.ru_stime
        - before.ru_utime
        - before.ru_stime
        + workers.ru_utime
        + workers.ru_stime,
        "rss_mib": own.ru_maxrss / kib / 1024,
        "worker_rss_mib": workers.ru_maxrss / kib / 1024,
    }


def measure_in_subprocess(stage: str, role: str, root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "measure", stage, role, str(root)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def corpus_fingerprint() -> str:
    """Changes whenever the generator or the schemas it must satisfy change, so stale corpora are remade."""
    import hashlib

    import conflict_news.grow.synthetic
    from conflict_news.core.paths import locate_schema_dir

    digest = hashlib.sha256(Path(conflict_news.grow.synthetic.__file__).read_bytes())
    for schema in sorted(locate_schema_dir().glob("*.json")):
        digest.update(schema.read_bytes())
    return digest.hexdigest()


def ensure_corpus(corpora: Path, n: int, seed: int) -> Path:
    """The synthetic corpus of n documents for this seed, generated once per generator version.

    The marker file COMPLETE holds the fingerprint of the generator that wrote the folder; a folder
    without it (interrupted) or with another fingerprint is removed and generated again.
    """
    from tqdm import tqdm

    from conflict_news.grow.synthetic import write_synthetic

    root = corpora / f"n{n}-seed{seed}"
    done, fingerprint = root / "COMPLETE", corpus_fingerprint()
    if done.exists() and done.read_text(encoding="utf-8").strip() == fingerprint:
        return root
    if root.exists():
        shutil.rmtree(root)
    with tqdm(total=n, unit="doc", desc=f"generating N={n}", file=sys.stderr, disable=None) as bar:
        write_synthetic(root, n, seed=seed, progress=bar.update)
    done.write_text(fingerprint + "\n", encoding="utf-8")
    return root


def run_stage(stage: Stage, root: Path, n: int, repeat: int) -> dict[str, Any]:
    from tqdm import tqdm

    runs: dict[str, list[dict[str, float]]] = {"anchor": [], "stage": []}
    # Untimed: prepares the inputs and brings the files into the page cache, so that no run pays for the
    # disk. In a child, like every run: a child inherits its parent's peak RSS (ru_maxrss survives exec).
    measure_in_subprocess(stage.name, "anchor", root)
    steps = [role for _ in range(repeat) for role in ("anchor", "stage")]
    for role in tqdm(steps, desc=f"{stage.name} N={n}", unit="run", file=sys.stderr, disable=None):
        runs[role].append(measure_in_subprocess(stage.name, role, root))
    stage_s = statistics.median(r["seconds"] for r in runs["stage"])
    anchor_s = statistics.median(r["seconds"] for r in runs["anchor"])
    return {
        "stage": stage.name,
        "anchor": stage.anchor_name,
        "n": n,
        "target": stage.target,
        "stage_seconds": [r["seconds"] for r in runs["stage"]],
        "anchor_seconds": [r["seconds"] for r in runs["anchor"]],
        "stage_median_s": stage_s,
        "anchor_median_s": anchor_s,
        "ratio": stage_s / anchor_s,
        "stage_cpu_s": statistics.median(r["cpu_seconds"] for r in runs["stage"]),
        "anchor_cpu_s": statistics.median(r["cpu_seconds"] for r in runs["anchor"]),
        "rss_mib": max(r["rss_mib"] for r in runs["stage"]),
        "worker_rss_mib": max(r["worker_rss_mib"] for r in runs["stage"]),
        "anchor_rss_mib": max(r["rss_mib"] for r in runs["anchor"]),
    }


def describe_machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        cpu = models[0] if models else cpu
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# ---------------------------------------------------------------- reporting


def merge_results(path: Path, run: dict[str, Any]) -> dict[str, Any]:
    """This run's rows replace earlier rows of the same stage and N in the day's file; others stay."""
    merged = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"rows": []}
    fresh = {(row["stage"], row["n"]) for row in run["rows"]}
    rows = [row for row in merged["rows"] if (row["stage"], row["n"]) not in fresh] + run["rows"]
    for row in run["rows"]:
        row["machine"] = run["machine"]
        row["measured"] = run["measured"]
    rows.sort(key=lambda row: (row["stage"], row["n"]))
    return {"repeat": run["repeat"], "seed": run["seed"], "rows": rows}


def format_table(results: dict[str, Any]) -> str:
    lines = [
        "| stage | anchor in the same run | N | stage (median) | anchor (median) | ratio | target | CPU time ratio | peak RSS: main / largest worker | machine |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results["rows"]:
        machine = row["machine"]
        verdict = "ok" if row["ratio"] <= row["target"] else "**over**"
        lines.append(
            f"| {row['stage']} | {row['anchor']} | {row['n']:,} | {row['stage_median_s']:.2f} s "
            f"| {row['anchor_median_s']:.2f} s | {row['ratio']:.2f}\u00d7 ({verdict}) | \u2264 {row['target']}\u00d7 "
            f"| {row['stage_cpu_s'] / row['anchor_cpu_s']:.2f}\u00d7 "
            f"| {row['rss_mib']:.0f} / {row['worker_rss_mib']:.0f} MiB "
            f"| {machine['cores']} cores, {machine['memory_gib']:.0f} GiB, load {machine['load_average_at_start'][0]:.1f} |"
        )
    return "\n".join(lines)


def write_table(readme: Path, table: str) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"{TABLE_START}\n{TABLE_END}\n"
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{table}\n{TABLE_END}{tail}", encoding="utf-8")


def plot(results: dict[str, Any], figure: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (times, memory) = plt.subplots(1, 2, figsize=(11, 6.5), layout="constrained")
    for name in sorted({row["stage"] for row in results["rows"]}):
        rows = sorted((row for row in results["rows"] if row["stage"] == name), key=lambda row: row["n"])
        sizes = [row["n"] for row in rows]
        (line,) = times.plot(sizes, [row["stage_median_s"] for row in rows], "o-", label=name)
        times.plot(sizes, [row["anchor_median_s"] for row in rows], "o--", color=line.get_color(),
                   label=f"{name} anchor: {rows[0]['anchor']}")  # fmt: skip
        memory.plot(sizes, [row["rss_mib"] for row in rows], "o-", color=line.get_color(), label=f"{name}: main")
        memory.plot(sizes, [row["worker_rss_mib"] for row in rows], "s:", color=line.get_color(),
                    label=f"{name}: largest worker")  # fmt: skip
    times.set(xscale="log", yscale="log", xlabel="documents (N)", ylabel="seconds (median)", title="Time")
    memory.set(xscale="log", xlabel="documents (N)", ylabel="peak RSS (MiB)", title="Peak memory")
    memory.set_ylim(0, 1200)
    memory.axhline(1024, color="grey", linewidth=0.8)
    memory.annotate("1 GiB budget", (0.02, 1024), xycoords=("axes fraction", "data"), va="bottom", fontsize=8)
    for ax in (times, memory):
        ax.grid(True, which="both", alpha=0.3)
        # Below the axes: inside, ten labels would hide the lines they name.
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False)
    fig.savefig(figure, dpi=110)
    plt.close(fig)


def run_suite(args: argparse.Namespace) -> int:
    out = Path(args.out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    stages = [STAGES[name] for name in args.stages or STAGES]
    run: dict[str, Any] = {
        "measured": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": describe_machine(),
        "repeat": args.repeat,
        "seed": args.seed,
        "rows": [],
    }
    for n in args.sizes:
        root = ensure_corpus(Path(args.corpora), n, args.seed)
        for stage in stages:
            run["rows"].append(run_stage(stage, root, n, args.repeat))
    path = out / "results" / f"{datetime.date.today().isoformat()}.json"
    results = merge_results(path, run)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = format_table(results)
    write_table(out / "README.md", table)
    plot(results, out / "scaling.png")
    print(table)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb")
    child = verbs.add_parser("measure", help="(internal) time one stage or anchor in this process")
    child.add_argument("stage", choices=sorted(STAGES))
    child.add_argument("role", choices=["stage", "anchor"])
    child.add_argument("root", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage and anchor; the median is kept")
    parser.add_argument("--stages", nargs="+", choices=sorted(STAGES), help="default: every registered stage")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", default=str(HERE / "corpora"), help="where generated corpora are kept")
    parser.add_argument("--out", default=str(HERE), help="folder for results/, README.md and scaling.png")
    args = parser.parse_args(argv)
    if args.verb == "measure":
        print(json.dumps(measure(args.stage, args.role, args.root)))
        return 0
    return run_suite(args)


if __name__ == "__main__":
    sys.exit(main())
