"""The benchmark suite: every stage run as the whole command a user runs, beside its anchor, at several corpus sizes.

    python benchmarks/run.py                      # N = 1 000, 10 000, 100 000; 3 runs each
    python benchmarks/run.py --sizes 200 --repeat 1 --out /tmp/bench   # the smoke run of the tests

Each run of a stage or of its anchor is a fresh process (imports and every step included) whose CPU
time (user + system of the process and of every worker it waited for), wall time and peak RSS (the
largest of its processes) come from wait4. Anchor and stage alternate, so that both see the same
machine; the table keeps the medians and shows the spread. The first ratio is CPU time, the work; the
elapsed ratio sets the stage beside an anchor given the same number of processes. Corpora are
synthetic (conflict_news.grow.synthetic), generated once per (N, seed) under benchmarks/corpora/
(git-ignored). Results go to <out>/results/<date>.json (merged per stage and N), the table in
<out>/README.md and the figure <out>/scaling.png.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from stages import Stage, all_stages, prepared  # benchmarks/ is sys.path[0] when run.py runs as a script

HERE = Path(__file__).resolve().parent
TABLE_START, TABLE_END = "<!-- results:start -->", "<!-- results:end -->"
# Every run reads compiled bytecode, as an installed package does (pip compiles it): a shell that sets
# PYTHONDONTWRITEBYTECODE would have every run compile the package's modules again and charge that to the
# stage (about 0.08 s of CPU per start). The untimed warm-up writes the cache where Python keeps it.
ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PYTHONWARNINGS": "ignore",
}  # fmt: skip


def run_measured(argv: list[str]) -> dict[str, float]:
    """Run argv to its end through launch.py; its wall time, CPU time (with its waited-for workers) and peak RSS."""
    with tempfile.TemporaryFile() as errors:
        out = subprocess.run([sys.executable, str(HERE / "launch.py"), *argv], stdout=subprocess.PIPE, stderr=errors,
                             env=ENV, check=True).stdout  # fmt: skip
        report: dict[str, float] = json.loads(out)
        if report.pop("status") != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed:\n{errors.read().decode()[-3000:]}")
    return report


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
    """Warm up (inputs prepared, files in the page cache, untimed), then alternate anchor and stage."""
    from tqdm import tqdm

    prep = prepared(root, *stage.inputs)
    workers = stage.workers(root, n)
    runs: dict[str, list[dict[str, float]]] = {"anchor": [], "stage": []}
    steps = ["warm-up", *(role for _ in range(repeat) for role in ("anchor", "stage"))]
    for role in tqdm(steps, desc=f"{stage.name} N={n}", unit="run", file=sys.stderr, disable=None):
        with tempfile.TemporaryDirectory(prefix="run-", dir=prep) as scratch:
            side = stage.anchor if role == "anchor" else stage.command
            measured = run_measured(side(root, prep, Path(scratch), workers))
        if role != "warm-up":
            runs[role].append(measured)

    def median(role: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[role])

    return {
        "stage": stage.name,
        "anchor": stage.anchor_name,
        "n": n,
        "processes": workers,
        "target": stage.target,
        "measure": stage.measure,
        **{f"{role}_{key}": [r[key] for r in runs[role]] for role in runs for key in ("cpu_seconds", "seconds", "rss_mib")},
        "cpu_ratio": median("stage", "cpu_seconds") / median("anchor", "cpu_seconds"),
        "elapsed_ratio": median("stage", "seconds") / median("anchor", "seconds"),
    }  # fmt: skip


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


def _spread(values: list[float], unit: str = " s") -> str:
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.2f}{unit}"
    return f"{middle:.2f}{unit} ({min(values):.2f}\u2013{max(values):.2f})"


def format_table(results: dict[str, Any]) -> str:
    lines = [
        "| stage | N | processes | CPU: stage | CPU: anchor | **CPU ratio** | elapsed: stage | elapsed: anchor | elapsed ratio | target | peak RSS: stage / anchor | documents/s: stage |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in results["rows"]:
        held = row["cpu_ratio"] if row["measure"] == "cpu" else row["elapsed_ratio"]
        verdict = "ok" if held <= row["target"] else "**over**"
        lines.append(
            f"| {row['stage']} | {row['n']:,} | {row['processes']} | {_spread(row['stage_cpu_seconds'])} "
            f"| {_spread(row['anchor_cpu_seconds'])} | {row['cpu_ratio']:.2f}\u00d7 | {_spread(row['stage_seconds'])} "
            f"| {_spread(row['anchor_seconds'])} | {row['elapsed_ratio']:.2f}\u00d7 "
            f"| {row['measure']} \u2264 {row['target']}\u00d7 ({verdict}) "
            f"| {max(row['stage_rss_mib']):.0f} / {max(row['anchor_rss_mib']):.0f} MiB "
            f"| {row['n'] / statistics.median(row['stage_seconds']):,.0f} |"
        )
    anchors = sorted({(row["stage"], row["anchor"]) for row in results["rows"]})
    lines += ["", "Anchors: " + "; ".join(f"{stage}: {anchor}" for stage, anchor in anchors) + "."]
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

    fig, (work, memory) = plt.subplots(1, 2, figsize=(11, 6.5), layout="constrained")
    scaled = [
        row for row in results["rows"] if len({r["n"] for r in results["rows"] if r["stage"] == row["stage"]}) > 1
    ]
    for name in sorted({row["stage"] for row in scaled}):
        rows = sorted((row for row in scaled if row["stage"] == name), key=lambda row: row["n"])
        sizes = [row["n"] for row in rows]
        (line,) = work.plot(sizes, [statistics.median(r["stage_cpu_seconds"]) for r in rows], "o-", label=name)
        work.plot(sizes, [statistics.median(r["anchor_cpu_seconds"]) for r in rows], "o--", color=line.get_color(),
                  label=f"{name} anchor")  # fmt: skip
        memory.plot(sizes, [max(r["stage_rss_mib"]) for r in rows], "o-", color=line.get_color(), label=name)
    work.set(xscale="log", yscale="log", xlabel="documents (N)", ylabel="CPU seconds (median)", title="Work")
    memory.set(xscale="log", xlabel="documents (N)", ylabel="peak RSS of any process (MiB)", title="Peak memory")
    memory.axhline(512, color="grey", linewidth=0.8)
    memory.annotate("512 MiB target", (0.02, 512), xycoords=("axes fraction", "data"), va="bottom", fontsize=8)
    for ax in (work, memory):
        ax.grid(True, which="both", alpha=0.3)
        # Below the axes: inside, a dozen labels would hide the lines they name.
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    fig.savefig(figure, dpi=110)
    plt.close(fig)


def run_suite(args: argparse.Namespace) -> int:
    from conflict_news.core.paths import locate_root
    from conflict_news.core.store import list_doc_ids

    out = Path(args.out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    stages = all_stages()
    chosen = [stages[name] for name in args.stages or stages]
    run: dict[str, Any] = {
        "measured": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": describe_machine(),
        "repeat": args.repeat,
        "seed": args.seed,
        "rows": [],
    }
    for stage in (s for s in chosen if s.once):
        # These read the shipped corpus; the folder only holds the runs' scratch space.
        with tempfile.TemporaryDirectory(prefix="bench-shipped-") as scratch:
            run["rows"].append(run_stage(stage, Path(scratch), len(list_doc_ids(locate_root())), args.repeat))
    for n in args.sizes:
        root = ensure_corpus(Path(args.corpora), n, args.seed)
        for stage in (s for s in chosen if not s.once):
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage and anchor; the median is kept")
    parser.add_argument("--stages", nargs="+", help="default: every stage (see stages.py)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", default=str(HERE / "corpora"), help="where generated corpora are kept")
    parser.add_argument("--out", default=str(HERE), help="folder for results/, README.md and scaling.png")
    return run_suite(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
