"""The trained baseline's tables and plot: `python -m baselines.report` refills the card's and docs' blocks.

The card table and the per-type table are scored here, by `conflict_news.grow.evaluate`, from the committed
`test` predictions (baselines/predictions/) and from the rules' predictions made afresh; the selection table
and the learning curve come from baselines/results.json, which only training writes. Nothing here needs the
CRF library, so the tests regenerate every block without training.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from conflict_news.grow.evaluate import evaluate
from conflict_news.grow.preannotate import preannotate_corpus

HERE = Path(__file__).parent
REPO = HERE.parent
LAYERS = ("events", "quotes", "figures")
SYSTEMS = {"words": "CRF, token features", "stacked": "CRF, token features and the rules' tags"}
RULES = "rules 2.0.3 (tuned on `train` and `validation` only)"


def _cell(interval: dict[str, Any]) -> str:
    return f"{interval['value']:.3f} [{interval['low']:.3f}, {interval['high']:.3f}]"


def _row(name: str, scores: dict[str, Any]) -> str:
    intervals = scores["intervals"]
    cells = [" / ".join(_cell(intervals[mode]["typed"]["events"]["f1"]) for mode in ("exact", "overlap"))]
    cells += [
        " / ".join(_cell(intervals[mode]["layers"][layer]["f1"]) for mode in ("exact", "overlap")) for layer in LAYERS
    ]
    return f"| {name} | {' | '.join(cells)} |\n"


def rules_predictions(out: Path) -> Path:
    """The pre-annotator's predictions of the `test` documents (rules as of this commit), written to `out`."""
    out.mkdir(parents=True, exist_ok=True)
    metadata = sorted((REPO / "corpus").glob("*.json"))
    test = [p.stem for p in metadata if json.loads(p.read_text(encoding="utf-8")).get("split") == "test"]
    for path, annotation in preannotate_corpus(REPO, test, out).items():
        path.write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
    return out


def card_table(rules: Path) -> str:
    """Rules against both CRFs on the `test` split: F1 exact / overlap with 95 % bootstrap intervals."""
    header = "| system | events: trigger + type | events: trigger | quotes | figures |\n|---|---|---|---|---|\n"
    rows = [_row(RULES, evaluate(rules, REPO, splits=["test"]))]
    for architecture, name in SYSTEMS.items():
        rows.append(_row(name, evaluate(HERE / "predictions" / architecture / "test", REPO, splits=["test"])))
    return header + "".join(rows)


def types_table(rules: Path) -> str:
    """Per event type on `test`: gold count and exact F1 of the rules and of both CRFs (types with gold only)."""
    scored = {"rules": evaluate(rules, REPO, splits=["test"], resamples=0)}
    for architecture in SYSTEMS:
        scored[architecture] = evaluate(
            HERE / "predictions" / architecture / "test", REPO, splits=["test"], resamples=0
        )
    types = scored["rules"]["exact"]["layers"]["events"]["types"]
    lines = ["| event type | gold | rules | CRF, token features | CRF, with the rules' tags |", "|---|---|---|---|---|"]
    for name in sorted(types, key=lambda t: (-types[t]["gold"], t)):
        if not types[name]["gold"]:
            continue
        cells = []
        for system in ("rules", *SYSTEMS):
            f1 = scored[system]["exact"]["layers"]["events"]["types"].get(name, {}).get("f1")
            cells.append("-" if f1 is None else f"{f1:.3f}")
        lines.append(f"| `{name}` | {types[name]['gold']} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def selection_table(results: dict[str, Any]) -> str:
    """Each grid point's `validation` scores and the penalties chosen per layer."""
    lines = ["| features | c1 | c2 | the rules' types kept | events: trigger + type | quotes | figures |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for architecture, entry in results["architectures"].items():
        for tried in entry["validation"]:
            cells = []
            for layer in LAYERS:
                trust = entry["trust_rules"] if layer == "events" else False
                chosen = entry["penalties"][layer] == [tried["c1"], tried["c2"]] and tried["trust_rules"] == trust
                cells.append(f"**{tried[layer]:.3f}**" if chosen else f"{tried[layer]:.3f}")
            kept = "yes" if tried["trust_rules"] else "no"
            lines.append(f"| {architecture} | {tried['c1']} | {tried['c2']} | {kept} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def curve_table(results: dict[str, Any]) -> str:
    lines = ["| features | share of `train` | documents | events: trigger + type | quotes | figures |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for architecture, entry in results["architectures"].items():
        for point in entry["learning_curve"]:
            cells = [f"{point['events']['exact']['typed_f1']:.3f}"]
            cells += [f"{point[layer]['exact']['f1']:.3f}" for layer in ("quotes", "figures")]
            lines.append(f"| {architecture} | {point['share']:.0%} | {point['documents']} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def curve_svg(results: dict[str, Any]) -> str:
    """The learning curve as a small SVG line chart: exact F1 on `test` against the share of `train`."""
    width, height, left, bottom, top, right = 520, 300, 50, 40, 20, 150
    plot_w, plot_h = width - left - right, height - top - bottom
    colours = {"events": "#1f77b4", "quotes": "#d62728", "figures": "#2ca02c"}
    dashes = {"words": "6,4", "stacked": ""}

    def x(share: float) -> float:
        return left + share * plot_w

    def y(f1: float) -> float:
        return top + (1 - f1) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             'font-size="11">', f'<rect width="{width}" height="{height}" fill="white"/>']  # fmt: skip
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
        parts.append(f'<text x="{x(tick):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{tick:.0%}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">share of train documents</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2}" transform="rotate(-90 12 {top + plot_h / 2})" '
                 'text-anchor="middle">exact F1 on test</text>')  # fmt: skip
    legend_y = top + 10
    for architecture, entry in results["architectures"].items():
        for layer, colour in colours.items():
            points = [(p["share"], p["events"]["exact"]["typed_f1"] if layer == "events" else p[layer]["exact"]["f1"])
                      for p in entry["learning_curve"]]  # fmt: skip
            path = " ".join(f"{x(s):.1f},{y(f or 0.0):.1f}" for s, f in points)
            dash = f' stroke-dasharray="{dashes[architecture]}"' if dashes[architecture] else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            label = "events (trigger + type)" if layer == "events" else layer
            parts.append(f'<line x1="{width - right + 10}" y1="{legend_y}" x2="{width - right + 30}" y2="{legend_y}" '
                         f'stroke="{colour}" stroke-width="2"{dash}/>')  # fmt: skip
            parts.append(f'<text x="{width - right + 34}" y="{legend_y + 4}">{label}, {architecture}</text>')
            legend_y += 16
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def blocks(rules: Path) -> dict[str, str]:
    """Every generated block, by its marker."""
    results = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
    return {
        "baseline-trained": card_table(rules),
        "baseline-trained-types": types_table(rules),
        "baseline-trained-selection": selection_table(results),
        "baseline-trained-curve": curve_table(results),
    }


PLOT = REPO / "docs" / "img" / "baseline-learning-curve.svg"


def _put(marker: str, block: str) -> None:
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    for path in (REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if start in text:
            head, rest = text.split(start, 1)
            path.write_text(head + start + block + end + rest.split(end, 1)[1], encoding="utf-8")
            return
    raise SystemExit(f"no block {marker!r} in the card or docs/")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for marker, block in blocks(rules_predictions(Path(tmp))).items():
            _put(marker, block)
    PLOT.parent.mkdir(exist_ok=True)
    PLOT.write_text(curve_svg(json.loads((HERE / "results.json").read_text(encoding="utf-8"))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
