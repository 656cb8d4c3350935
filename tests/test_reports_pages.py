"""Reports that people act on (issue 16), without a browser: causes named and grouped,
the comparison page, the run page's order and filters' data, the plots.

Real framework results are the inputs: torch's untruncated normals, the fans of rank 0
and 1, Keras 3's rectangular eye, ... A frozen copy (tests/data/frameworks/*.json: the
framework pages of 2026-11-29), so that the published pages in reports/frameworks/ can be
regenerated without moving these tests' expectations.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from benchmarks.runs import ROOT
from initializer_conformance.conformance import deviations
from initializer_conformance.conformance.record import Record
from initializer_conformance.reports import __main__ as cli
from initializer_conformance.reports import causes, plots, render, results
from initializer_conformance.reports.plugin import ReportPlugin
from tests.results_data import a_run, a_test

FRAMEWORKS = ROOT / "tests" / "data" / "frameworks"


def _load(name: str) -> dict:
    return results.load(FRAMEWORKS / f"{name}.json")


def _finding(check, causes_=(), passed=False):
    return {
        "check": check,
        "title": f"[{check}] x",
        "passed": passed,
        "expected": "e",
        "observed": "o",
        "statistics": [],
        "causes": list(causes_),
        "case": None,
        "call": "",
        "law": None,
        "sample": None,
    }


# -- causes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, label",
    [
        (
            "torch.nn.init.xavier_normal_ / kaiming_normal_ draw an untruncated normal of the right "
            "std (by design); Keras truncates",
            "untruncated",
        ),
        ("torch.nn.init._calculate_fan_in_and_fan_out raises for rank 0 and 1", "fans rank 0/1"),
        ("torch.nn.init.eye_ fills any 2-D tensor, square or not (as Keras 3)", "rectangular eye"),
        ("numpy backend: random initializers accept integer dtypes", "dtype"),
        ("fan_in and fan_out swapped", "fans swapped"),
        ("Orthogonal in float16 raises TypeError (numpy.linalg.qr has no float16)", "no float16"),
        ("jax.random in float16/bfloat16: draws in 16-bit arithmetic", "16-bit draws"),
        ("something nobody anticipated", "other"),
    ],
)
def test_a_cause_has_a_short_label(text, label):
    assert causes.label(text) == label


def test_failures_are_grouped_by_cause_most_severe_first():
    swapped = "fan_in and fan_out swapped (the sample fits Normal(mean=0, std=1): KS p=0.5)"
    tests = [
        a_test("t.py::test_api[x]", "fail", "Zeros", "api", message="AssertionError: no error"),
        a_test(
            "t.py::test_fans[he_normal]",
            "fail",
            "he_normal",
            "fans",
            findings=[
                _finding(
                    "scale",
                    [
                        swapped,
                        "mode 'fan_out' used instead (the sample "
                        "fits Normal(mean=0, std=2): KS p=0.1)",
                    ],
                )
            ],
        ),
        a_test(
            "t.py::test_law[he_normal]",
            "fail",
            "he_normal",
            "law",
            findings=[_finding("law", [swapped])],
        ),
        a_test(
            "t.py::test_law[glorot_normal]",
            "known-deviation",
            "glorot_normal",
            "law",
            deviation="untruncated by design",
        ),
        a_test("t.py::test_law[Zeros]", "pass", "Zeros", "law"),
    ]
    groups = causes.groups(tests)
    assert [(g["cause"], g["new"], len(g["items"])) for g in groups] == [
        ("fan_in and fan_out swapped", True, 2),  # one root cause, once, before the API detail
        ("AssertionError: no error", True, 1),
        ("untruncated by design", False, 1),
    ]  # known deviations after the new failures
    assert [t["nodeid"] for t, _ in groups[0]["items"]] == [  # the law first
        "t.py::test_law[he_normal]",
        "t.py::test_fans[he_normal]",
    ]
    assert groups[0]["label"] == "fans swapped" and groups[0]["properties"] == ["fans", "law"]
    # a failure no catalogued bug explains says so, never its check's name ("api")
    assert causes.labels(tests) == ["fans swapped", "untruncated", "no catalogued cause"]


def test_one_bug_is_one_cause_whatever_each_check_saw_of_it():
    """A bug named by its key (the record's ``bugs``) is one cause: the seeds checks' details
    (which pair, how related) differ, the group and its label do not; no text is read."""
    from initializer_conformance.conformance.diagnosis import Cause

    def seeds_failure(nodeid, detail):
        cause = Cause("related_seed_streams", detail)
        finding = {**_finding("seeds", [str(cause)]), "bugs": [cause.as_dict()]}
        return a_test(nodeid, "fail", "he_normal", "seeds", findings=[finding])

    tests = [
        seeds_failure("t.py::test_seed_distinct_independent[he_normal]", "shared: 40 values"),
        seeds_failure("t.py::test_seed_reproducible[he_normal]", "seeds 1 and 3 (rotated)"),
    ]
    (group,) = causes.groups(tests)
    assert group["cause"] == "two distinct seeds give related streams (a seed-derivation bug)"
    assert group["label"] == "related seeds" and len(group["items"]) == 2


def test_each_failure_of_a_multi_failure_check_has_its_own_reason():
    # results written by this version: one entry per failure Hypothesis reported
    test = a_test(
        "t.py::test_law[he_normal]",
        "known-deviation",
        "he_normal",
        "law",
        deviation="fans raise; untruncated",
        failures=[
            {
                "message": "ValueError: fans",
                "exception": "ValueError",
                "deviation": "fans raise",
                "findings": [],
            },
            {
                "message": "AssertionError: law",
                "exception": "AssertionError",
                "deviation": "untruncated",
                "findings": [
                    _finding("law", ["untruncated normal where a truncated one is specified"])
                ],
            },
        ],
    )
    first, second = causes.failures(test)
    assert (first["cause"], first["label"], first["finding"]) == ("fans raise", "ValueError", None)
    assert (second["cause"], second["label"]) == ("untruncated", "untruncated")
    assert second["finding"]["check"] == "law" and (first["of"], second["index"]) == (2, 1)
    # results of earlier versions: the joined reasons are split by the declared ones
    old = {k: v for k, v in test.items() if k != "failures"}
    old["findings"] = test["failures"][1]["findings"]
    split = causes.failures(old, {"fans raise", "untruncated"})
    assert [(f["cause"], bool(f["finding"])) for f in split] == [
        ("fans raise", False),
        ("untruncated", True),
    ]
    assert len(causes.failures(old)) == 1  # without the declarations: one failure
    data = results.build(a_run(), [test])
    assert results.validate(data) == []  # "failures" is an optional key of results/1
    broken = {**test, "failures": [{"message": "m", "exception": "E", "findings": "none"}]}
    assert results.validate(results.build(a_run(), [broken])) == [
        "$.tests[0].failures[0].findings: expected array, got str"
    ]
    page = render.run_page(data)
    assert page.count('<article class="card') == 2
    assert "failure 1 of 2 of this check" in page and "failure 2 of 2 of this check" in page
    cards = re.findall(r'<article class="card.*?</article>', page, re.S)
    assert "<strong>Known deviation:</strong> fans raise<" in cards[0] + cards[1]
    assert "<strong>Known deviation:</strong> untruncated<" in cards[0] + cards[1]
    assert not any("fans raise; untruncated" in c for c in cards)


def test_the_plugin_keeps_each_failure_of_an_exception_group():
    """ReportPlugin._failures: each exception of a Hypothesis group with its findings and
    the reason of the entry that excuses it."""
    record = Record(enabled=True)
    record.add(
        "law",
        "he_normal: law",
        None,
        "e",
        "o",
        [],
        ["untruncated normal"],
        passed=False,
        message="law differs",
    )
    entries = [
        deviations.Deviation("test_law[he_normal]", "fans raise", "adapter", match="ValueError"),
        deviations.Deviation("test_law[he_normal]", "untruncated", "adapter", match="law differs"),
    ]
    fake = SimpleNamespace(run=SimpleNamespace(deviations=entries, record=record))
    group = ExceptionGroup("two", [ValueError("fans"), AssertionError("law differs")])
    item = SimpleNamespace(
        nodeid="conformance/test_law.py::test_law[he_normal]", path=Path("test_law.py")
    )
    first, second = ReportPlugin._failures(fake, item, group)
    assert first == {
        "message": "ValueError: fans",
        "exception": "ValueError",
        "findings": [],
        "deviation": "fans raise",
        "at": None,  # raised nowhere in the check's file
    }
    assert second["deviation"] == "untruncated" and second["exception"] == "AssertionError"
    assert second["findings"][0]["causes"] == ["untruncated normal"]


def test_deviations_are_one_row_per_reason():
    rows = causes.deviation_groups(_load("torch"))
    assert [(r["label"], len(r["failed"]), r["status"]) for r in rows] == [
        ("fans rank 0/1", 28, "applied"),
        ("untruncated", 9, "applied"),
        ("rectangular eye", 3, "applied"),
    ]
    functions = dict(rows[1]["by_function"])
    assert [p for p, _ in functions["test_probe"]] == ["glorot_normal", "he_normal", "lecun_normal"]


# -- the comparison page ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    out = tmp_path_factory.mktemp("index") / "frameworks" / "index.html"
    paths = sorted(str(p) for p in FRAMEWORKS.glob("*.json"))
    assert cli.main(["merge", *paths, "-o", str(out), "--spec", "../../SPEC.md"]) == 0
    return out.read_text()


def test_the_index_names_the_cause_of_each_cell(index):
    torch = index[index.index('<tr data-framework="torch"') :]
    torch = torch[: torch.index("</tr>")]
    cells = dict(
        re.findall(r'data-initializer="([^"]+)".*?</td>', torch, re.S)
        and [
            (m.group(1), m.group(0))
            for m in re.finditer(
                r'<td class="cell[^"]*" data-initializer="([^"]+)".*?</td>', torch, re.S
            )
        ]
    )
    assert '<span class="cause">untruncated</span>' in cells["he_normal"]
    assert '<span class="cause">fans rank 0/1</span>' in cells["he_normal"]
    assert '<span class="cause">rectangular eye</span>' in cells["Identity"]
    assert "cause" not in cells["Zeros"]
    # the counts: pass, known deviations, unsupported (tinygrad: the quick profile)
    assert "✓195 ≈34 ∅1" in torch
    tinygrad = index[index.index('<tr data-framework="tinygrad"') :]
    assert "✓199 ≈15 ∅16" in tinygrad[:3000] and "(quick)" in tinygrad[:3000]
    assert (
        'title="conforms except 15 known deviations (16 unsupported, quick profile)"'
        in tinygrad[:3000]
    )
    # a legend of the causes, with what each stands for
    legend = index[index.index('id="causes"') :]
    for label in ("untruncated", "fans rank 0/1", "rectangular eye", "dtype", "seeding"):
        assert f'<span class="cause">{label}</span>' in legend
    assert "torch.nn.init.eye_ fills any 2-D tensor" in legend


def test_the_index_links_each_initializer_to_the_spec(index):
    headers = re.findall(r'<th class="init"[^>]*>(.*?)</th>', index)
    assert len(headers) == 16
    spec = (ROOT / "SPEC.md").read_text()
    for name in results.INITIALIZERS:
        assert f'href="../../SPEC.md#{name.lower()}"' in index
        assert f"## `{name}`" in spec  # GitHub's anchor of that heading is the lower case
    assert '<span title="tests about no one initializer' in headers[-1]


def test_merge_links_the_checkouts_spec_by_default(tmp_path):
    results.write(
        results.build(
            a_run("torch"), [a_test("t.py::test_law[he_normal]", "pass", "he_normal", "law")]
        ),
        tmp_path / "torch.json",
    )
    assert (
        cli.main(["merge", str(tmp_path / "torch.json"), "-o", str(tmp_path / "index.html")]) == 0
    )
    page = (tmp_path / "index.html").read_text()
    link = re.search(r'href="([^"]*SPEC\.md)#he_normal"', page).group(1)
    assert (tmp_path / link).resolve() == (ROOT / "SPEC.md").resolve()
    assert (
        cli.main(
            [
                "merge",
                str(tmp_path / "torch.json"),
                "-o",
                str(tmp_path / "index.html"),
                "--spec",
                "",
            ]
        )
        == 0
    )
    assert "SPEC.md" not in (tmp_path / "index.html").read_text()


# -- the run page ----------------------------------------------------------------------------


def test_the_run_page_leads_with_the_verdict_then_deviations_then_the_matrix():
    page = render.run_page(_load("tinygrad"))
    assert (
        'id="verdict">conforms except 15 known deviations (16 unsupported, quick profile)<' in page
    )
    order = [
        page.index(marker)
        for marker in (
            'id="verdict"',
            'id="deviations"',
            'id="filters"',
            'id="matrix"',
            'id="failures"',
            'id="unsupported"',
            'id="tests"',
        )
    ]
    assert order == sorted(order)
    deviations_table = page[page.index('id="deviations"') : page.index('id="filters"')]
    assert deviations_table.count('<tr class="deviation-') == 3  # one row per reason
    # the page is no longer than the matrix needs before it: details are folded
    assert page.index('id="matrix"') - page.index('id="summary"') < 12_000


def test_the_run_page_filters_carry_what_they_filter():
    page = render.run_page(_load("torch"))
    for value in ("new", "known", "unsupported", "all"):
        assert f'name="show" value="{value}"' in page
    assert 'known deviations <span class="n">(34)</span>' in page
    groups = re.findall(r'<section class="group" id="(cause-\d+)" data-outcome="([^"]+)"', page)
    assert [o for _, o in groups] == ["known-deviation"] * 3
    # the cards of a cause: untruncated before rectangular eye (a law before an API check)
    heads = re.findall(r'<section class="group".*?<span class="cause">([^<]+)</span>', page, re.S)
    assert heads == ["fans rank 0/1", "untruncated", "rectangular eye"]
    assert 'id="initializer-Identity"' in page  # a row to scroll to


def test_plots_are_drawn_at_most_three_per_cause_and_the_page_is_small():
    data = _load("torch")
    page = render.run_page(data)
    assert page.count('class="plot" src="data:image/svg+xml,') == 3  # untruncated: 3 of 9
    assert "plot omitted: the first 3 cards of this cause show it" in page
    assert len(page.encode()) < 450_000
    assert len(render.run_page(_load("numpy")).encode()) < 200_000


# -- plots -----------------------------------------------------------------------------------


def _svg(uri: str) -> str:
    assert uri.startswith("data:image/svg+xml,")
    return urllib.parse.unquote(uri.split(",", 1)[1])


def _torch_finding(nodeid: str) -> dict:
    test = next(t for t in _load("torch")["tests"] if t["nodeid"].endswith(nodeid))
    return causes.failing_finding(test["findings"])


def test_the_failure_plot_draws_the_fitted_cause_and_legible_text():
    # the committed page of this version: its findings name their bugs as fields
    page = results.load(ROOT / "reports" / "frameworks" / "torch.json")
    test = next(t for t in page["tests"] if t["nodeid"].endswith("test_probe[he_normal]"))
    finding = causes.failing_finding(test["findings"])
    assert [b["bug"] for b in finding["bugs"]] == ["untruncated_normal"]
    cause, law = plots.fitted_law(finding)
    assert cause == "untruncated normal where a truncated one is specified"
    assert type(law).__name__ == "Normal" and law.scale == pytest.approx(0.0589256, rel=1e-5)
    svg = _svg(plots.failure_plot(finding))
    assert "likely cause (fitted)" in svg and "Q-Q plot against the exact law" in svg
    assert "histogram over the spec" in svg and "out of bounds" in svg
    # text is text, 8 units (pt: the viewBox is in points) and up: >= 10.6 CSS px at the
    # image's natural size, with a generic fallback font
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 8 and re.search(r'viewBox="0 0 [\d.]+ [\d.]+"', svg)
    assert re.search(r'width="([\d.]+)pt"', svg) and "sans-serif" in svg
    assert plots.failure_plot(finding) == plots.failure_plot(finding)  # deterministic


def test_point_masses_at_a_bound_are_drawn():
    rng = np.random.default_rng(3)
    values = np.clip(rng.normal(0, 1, 5000), -2, 2)  # clipped: 4.6 % of values at the bounds
    finding = _torch_finding("test_probe[he_normal]")
    sorted_values = np.sort(values)
    ranks = np.round(np.linspace(0, values.size - 1, 2000)).astype(int)
    finding = {
        **finding,
        "sample": {**finding["sample"], "n": values.size, "values": sorted_values[ranks].tolist()},
    }
    masses = plots.point_masses(finding, plots.law_of(finding))
    assert {round(v, 6) for v, _ in masses} == {-2.0, 2.0}
    assert all(0.015 < share < 0.035 for _, share in masses)
    svg = _svg(plots.failure_plot(finding))
    assert re.search(r"\d\.\d% at -2", svg) and re.search(r"\d\.\d% at 2", svg)


def test_a_small_sample_is_shown_as_an_ecdf():
    finding = _torch_finding("test_law[he_normal]")
    values = finding["sample"]["values"]
    small = {**finding, "sample": {**finding["sample"], "n": 300, "values": values[::7][:300]}}
    assert "sample ECDF over the spec" in _svg(plots.failure_plot(small))
    assert "histogram over the spec" in _svg(plots.failure_plot(finding))
    assert "ECDF" in _svg(plots.pass_plot(small))


def test_the_committed_framework_pages_are_of_this_version():
    """``reports/frameworks/`` is regenerated on each version (``python -m benchmarks.pages``):
    a page of another version than the package's fails here, and the index says which."""
    from benchmarks.pages import PAGES, TARGETS
    from initializer_conformance.conformance.version import suite_version

    for name, _, _ in TARGETS:
        data = results.load(PAGES / f"{name}.json")
        assert data["suite"]["version"] == suite_version(), name
        assert data["profile"] == "ci", name
    index = (PAGES / "index.html").read_text(encoding="utf-8")
    assert f"initializer-conformance {suite_version()} · profile ci" in index


def test_the_readmes_framework_counts_are_the_committed_pages():
    from benchmarks import pages

    stated = pages.readme_counts(pages.README.read_text(encoding="utf-8"))
    assert set(stated) == {name for name, _, _ in pages.TARGETS}
    assert stated == {name: pages.counts(name) for name in stated}
