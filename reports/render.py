"""HTML pages from results: one page per run, and the cross-framework index.

Jinja2 templates (``reports/templates``) with autoescaping on, so every string that
comes from an adapter (names, versions, error messages) is shown as text. Pages are
self-contained: CSS and JS inline, plots as ``data:`` PNGs, no external resource.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import results

TEMPLATES = Path(__file__).with_name("templates")

#: At most this many failure cards get plots (each costs matplotlib time and page size).
MAX_FAILURE_PLOTS = 40

SYMBOLS = {"pass": "✓", "fail": "✗", "error": "!", "unsupported": "∅", "known-deviation": "≈",
           "skipped": "·"}
PASS_PLOT_CHECKS = ("law", "scale", "bounds")  # preferred, in order, for a passing plot
CARD_OUTCOMES = ("fail", "error", "known-deviation")


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(num=_num, pvalue=_pvalue, duration=_duration, anchor=_anchor,
                       kb=lambda size: f"{size / 1024:.0f} KB")
    env.globals.update(SYMBOLS=SYMBOLS, OUTCOMES=results.OUTCOMES)
    return env


def _num(value, digits: int = 6) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}"


def _pvalue(value) -> str:
    if isinstance(value, str):
        return value
    return "0" if value == 0 else f"{value:.3g}"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{math.floor(seconds / 60)} min {seconds % 60:.0f} s"


def _anchor(nodeid: str) -> str:
    return "t-" + results.slug(nodeid.split("/")[-1].replace("::", "-"))


def _failing_finding(test: dict) -> dict | None:
    for finding in test.get("findings", []):
        if not finding["passed"]:
            return finding
    return None


def _cards(data: dict) -> list[dict]:
    from . import plots

    cards = []
    for test in data["tests"]:
        if test["outcome"] not in CARD_OUTCOMES:
            continue
        finding = _failing_finding(test)
        card = {"test": test, "finding": finding, "anchor": _anchor(test["nodeid"]),
                "others": [f for f in test.get("findings", []) if f is not finding],
                "plot": None, "plot_note": ""}
        if finding is not None and plots.plottable(finding):
            if sum(1 for c in cards if c["plot"]) >= MAX_FAILURE_PLOTS:
                card["plot_note"] = f"plot omitted: only the first {MAX_FAILURE_PLOTS} are drawn"
            else:
                card["plot"] = _safe_plot(plots.failure_plot, finding, card)
        cards.append(card)
    return cards


def _safe_plot(function, finding: dict, holder: dict) -> str | None:
    try:
        return function(finding)
    except ImportError as error:
        holder["plot_note"] = f"plot unavailable: {error}"
    except Exception as error:  # a plot must never cost the page
        holder["plot_note"] = f"plot failed: {type(error).__name__}: {error}"
    return None


def _pass_plots(data: dict, failing: set[str]) -> list[dict]:
    """One small plot per initializer that passed a statistical check and failed nothing."""
    from . import plots

    best: dict[str, tuple[int, dict, dict]] = {}
    for test in data["tests"]:
        if test["outcome"] != "pass" or test["initializer"] in failing:
            continue
        for finding in test.get("findings", []):
            if not (finding["passed"] and finding.get("sample")):
                continue
            rank = (PASS_PLOT_CHECKS.index(finding["check"]) if finding["check"] in
                    PASS_PLOT_CHECKS else len(PASS_PLOT_CHECKS))
            rank = 2 * rank + (0 if test["property"] == "probes" else 1)  # large samples first
            if test["initializer"] not in best or rank < best[test["initializer"]][0]:
                best[test["initializer"]] = (rank, test, finding)
    out = []
    for name in results.initializer_rows(data["tests"]):
        if name in best:
            _, test, finding = best[name]
            item = {"initializer": name, "test": test, "finding": finding, "plot_note": ""}
            item["plot"] = _safe_plot(plots.pass_plot, finding, item) if plots.plottable(
                finding) else None
            out.append(item)
    return out


def _headline(data: dict) -> tuple[str, str]:
    counts = data["totals"]
    if data["verdict"] == "conforms":
        text = "conforms"
        if counts["unsupported"]:
            text += f" where supported ({counts['unsupported']} unsupported)"
        return text, "pass"
    if data["verdict"] == "no-pass":
        return "no check passed: this run does not show conformance", "error"
    stale = sum(d["status"] == "stale" for d in data.get("deviations", []))
    stale = f"; {stale} stale known deviation{'s' * (stale != 1)}" if stale else ""
    if data["verdict"] == "known-deviations":
        known = counts["known-deviation"]
        return f"conforms except {known} known deviation{'s' * (known != 1)}{stale}", (
            "fail" if stale else "known-deviation")
    deviations = counts["fail"] + counts["error"]
    return f"{deviations} deviation{'s' if deviations != 1 else ''}{stale}", "fail"


def run_page(data: dict, results_link: str | None = None) -> str:
    """The HTML page of one run's results."""
    matrix = results.matrix(data)
    cards = _cards(data)
    failing = {c["test"]["initializer"] for c in cards}
    first_card = {}
    for card in cards:
        test = card["test"]
        first_card.setdefault((test["initializer"], test["property"]), card["anchor"])
    unsupported: dict[str, list[dict]] = {}
    for test in data["tests"]:
        if test["outcome"] == "unsupported":
            unsupported.setdefault(test["initializer"], []).append(test)
    row_outcome = {row: results.worst(c["outcome"] for c in matrix["cells"][row].values())
                   for row in matrix["rows"]}
    headline, headline_class = _headline(data)
    return _environment().get_template("run.html.j2").render(
        data=data, matrix=matrix, cards=cards, first_card=first_card,
        pass_plots=_pass_plots(data, failing), unsupported=unsupported,
        row_outcome=row_outcome, headline=headline, headline_class=headline_class,
        results_link=results_link, title=f"{data['adapter']['name']}: initializer conformance")


def index_page(merged: dict) -> str:
    """The cross-framework page: frameworks x initializers."""
    return _environment().get_template("index.html.j2").render(
        merged=merged, title="Initializer conformance: frameworks")
