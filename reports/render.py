"""HTML pages from results: one page per run, and the cross-framework index.

Jinja2 templates (``reports/templates``) with autoescaping on, so every string that
comes from an adapter (names, versions, error messages) is shown as text. Pages are
self-contained: CSS and JS inline, plots as ``data:`` SVG images, no external resource.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import causes, results

TEMPLATES = Path(__file__).with_name("templates")

#: At most this many failure cards get plots (each costs matplotlib time and page size).
MAX_FAILURE_PLOTS = 24

SYMBOLS = {
    "pass": "✓",
    "fail": "✗",
    "error": "!",
    "unsupported": "∅",
    "known-deviation": "≈",
    "skipped": "·",
}
PASS_PLOT_CHECKS = ("law", "scale", "bounds")  # preferred, in order, for a passing plot
CARD_OUTCOMES = ("fail", "error", "known-deviation")


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        slug=results.slug,
        wbr=_wbr,
        num=_num,
        pvalue=_pvalue,
        duration=_duration,
        anchor=_anchor,
        kb=lambda size: f"{size / 1024:.0f} KB",
    )
    env.globals.update(SYMBOLS=SYMBOLS, OUTCOMES=results.OUTCOMES)
    return env


def _wbr(name: str):
    """A name with line-break opportunities at its word boundaries (``glorot_<wbr>normal``,
    ``Random<wbr>Normal``), for narrow column headers."""
    import re

    from markupsafe import Markup, escape

    return Markup(
        re.sub(
            r"(_)|(?<=[a-z])(?=[A-Z])", lambda m: (m.group(1) or "") + "<wbr>", str(escape(name))
        )
    )


def _num(value, digits: int = 6) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}"


#: The smallest positive normal double: a p-value stored as 0 underflowed below it.
_PVALUE_FLOOR = 2.2250738585072014e-308


def _pvalue(value) -> str:
    if isinstance(value, str):
        return value
    return f"< {_PVALUE_FLOOR:.3g}" if value < _PVALUE_FLOOR else f"{value:.3g}"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{math.floor(seconds / 60)} min {seconds % 60:.0f} s"


def _anchor(nodeid: str) -> str:
    return "t-" + results.slug(nodeid.split("/")[-1].replace("::", "-"))


#: At most this many plots per cause: the first cards of a cause show it, the rest
#: would repeat it.
PLOTS_PER_CAUSE = 3


def _groups(data: dict) -> list[dict]:
    """The failure cards, grouped by cause (:func:`causes.groups`), most severe first."""
    from . import plots

    drawn = 0
    out = []
    for number, group in enumerate(causes.groups(data["tests"], causes.reasons_of(data))):
        cards, in_group = [], 0
        for test, failure in group["items"]:
            anchor = _anchor(test["nodeid"]) + (
                f"-{failure['index'] + 1}" if failure["index"] else ""
            )
            finding = failure["finding"]
            card = {
                "test": test,
                "failure": failure,
                "finding": finding,
                "anchor": anchor,
                "outcome": test["outcome"],
                "others": [f for f in failure.get("findings") or [] if f is not finding],
                "plot": None,
                "plot_note": "",
            }
            if finding is not None and plots.plottable(finding):
                if drawn >= MAX_FAILURE_PLOTS:
                    card["plot_note"] = (
                        f"plot omitted: only the first {MAX_FAILURE_PLOTS} are drawn"
                    )
                elif in_group >= PLOTS_PER_CAUSE:
                    card["plot_note"] = (
                        f"plot omitted: the first {PLOTS_PER_CAUSE} cards of this cause show it"
                    )
                else:
                    card["plot"] = _safe_plot(plots.failure_plot, finding, card)
                    drawn += bool(card["plot"])
                    in_group += bool(card["plot"])
            cards.append(card)
        out.append(
            {
                **group,
                "id": f"cause-{number + 1}",
                "cards": cards,
                "outcome": "known-deviation"
                if not group["new"]
                else results.worst(c["test"]["outcome"] for c in cards),
            }
        )
    return out


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
            rank = (
                PASS_PLOT_CHECKS.index(finding["check"])
                if finding["check"] in PASS_PLOT_CHECKS
                else len(PASS_PLOT_CHECKS)
            )
            rank = 2 * rank + (0 if test["property"] == "probes" else 1)  # large samples first
            if test["initializer"] not in best or rank < best[test["initializer"]][0]:
                best[test["initializer"]] = (rank, test, finding)
    out = []
    for name in results.initializer_rows(data["tests"]):
        if name in best:
            _, test, finding = best[name]
            item = {"initializer": name, "test": test, "finding": finding, "plot_note": ""}
            item["plot"] = (
                _safe_plot(plots.pass_plot, finding, item) if plots.plottable(finding) else None
            )
            out.append(item)
    return out


def run_page(data: dict, results_link: str | None = None) -> str:
    """The HTML page of one run's results."""
    data = {**data, "tests": results.stable(data["tests"])}  # results of earlier versions
    matrix = results.matrix(data)
    groups = _groups(data)
    failing = {c["test"]["initializer"] for g in groups for c in g["cards"]}
    first_card = {}
    for group in groups:
        for card in group["cards"]:
            test = card["test"]
            first_card.setdefault((test["initializer"], test["property"]), card["anchor"])
    unsupported: dict[str, list[dict]] = {}
    partly: dict[str, dict[str, list[str]]] = {}  # initializer -> case -> checks
    for test in data["tests"]:
        if test["outcome"] == "unsupported":
            unsupported.setdefault(test["initializer"], []).append(test)
        for case, _ in test.get("unsupported_cases", ()):
            checks = partly.setdefault(test["initializer"], {}).setdefault(case, [])
            checks.append(test["nodeid"].split("::")[-1])
    row_outcomes = {
        row: sorted({o for c in matrix["cells"][row].values() for o in c["counts"]})
        for row in matrix["rows"]
    }
    row_labels = {
        row: causes.labels(
            [t for t in data["tests"] if t["initializer"] == row], causes.reasons_of(data)
        )
        for row in matrix["rows"]
    }
    headline, headline_class = results.headline(data)
    cards = sum(len(g["cards"]) for g in groups)
    return (
        _environment()
        .get_template("run.html.j2")
        .render(
            data=data,
            matrix=matrix,
            groups=groups,
            cards=cards,
            first_card=first_card,
            pass_plots=_pass_plots(data, failing),
            unsupported=unsupported,
            partly_unsupported=partly,
            row_outcomes=row_outcomes,
            row_labels=row_labels,
            headline=headline,
            headline_class=headline_class,
            deviation_rows=causes.deviation_groups(data),
            results_link=results_link,
            title=f"{data['adapter']['name']}: initializer conformance",
        )
    )


def index_page(merged: dict, spec_url: str | None = None) -> str:
    """The cross-framework page: frameworks x initializers; ``spec_url``: where SPEC.md
    is (each initializer's column links to its section), None for no links."""
    return (
        _environment()
        .get_template("index.html.j2")
        .render(merged=merged, spec_url=spec_url, title="Initializer conformance: frameworks")
    )
