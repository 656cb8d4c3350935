"""Reports: the results schema, the merge, the recording of findings, and runs of the
suite that write a results file and a page (to tmp paths: never into reports/)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from benchmarks.runs import ROOT
from initializer_conformance import reference
from initializer_conformance.conformance import assertions, properties
from initializer_conformance.conformance import record as kept
from initializer_conformance.conformance.options import DEFAULT_SEED
from initializer_conformance.conformance.sampling import Context, Sample
from initializer_conformance.reports import __main__ as cli
from initializer_conformance.reports import plots, render, results
from tests.results_data import SWAPPED_FANS, a_run, a_test, suite_report

# -- synthetic results ------------------------------------------------------------------------


def _results(name="numpy", outcomes=None):
    outcomes = outcomes or {}
    tests = [
        a_test(
            "conformance/test_law.py::test_law[glorot_uniform]",
            outcomes.get("glorot_uniform", "pass"),
            "glorot_uniform",
            "law",
        ),
        a_test(
            "conformance/test_fans.py::test_fans[he_normal]",
            outcomes.get("he_normal", "pass"),
            "he_normal",
            "fans",
        ),
        a_test(
            "conformance/test_seeds.py::test_seed_repeated_calls[he_normal]",
            "skipped",
            "he_normal",
            "seeds",
            message="edition keras2 does not specify ...",
        ),
        a_test(
            "conformance/test_api.py::test_spec_value_error[not_an_initializer]",
            "pass",
            results.OTHER,
            "api",
        ),
    ]
    return results.build(a_run(name), tests)


# -- schema ---------------------------------------------------------------------------------


def test_built_results_follow_the_schema():
    data = _results(outcomes={"he_normal": "fail"})
    assert data["schema"] == "initializer-conformance/results/1"
    assert results.validate(data) == []
    assert data["totals"] == {
        "pass": 2,
        "fail": 1,
        "unsupported": 0,
        "known-deviation": 0,
        "error": 0,
        "skipped": 1,
    }
    assert data["verdict"] == "deviations"
    json.loads(results.dumps(data))  # strict JSON


@pytest.mark.parametrize(
    "outcomes, verdict",
    [
        ({}, "conforms"),
        ({"glorot_uniform": "error"}, "deviations"),
        ({"glorot_uniform": "unsupported"}, "conforms"),
        ({"glorot_uniform": "known-deviation"}, "known-deviations"),
    ],
)
def test_verdict(outcomes, verdict):
    assert _results(outcomes=outcomes)["verdict"] == verdict


def test_the_schema_catches_what_is_wrong():
    data = _results()
    data["tests"][0]["outcome"] = "passed"
    del data["seed"]
    data["alpha"]["tests"] = "many"
    errors = results.validate(data)
    assert "$: missing 'seed'" in errors
    assert any("$.tests[0].outcome: 'passed' is not one of" in e for e in errors)
    assert "$.alpha.tests: expected integer, got str" in errors


def test_jsonable_gives_strict_json():
    value = results.jsonable(
        {
            "shape": (3, 4),
            "x": np.float32(0.5),
            "n": np.int64(7),
            "p": math.inf,
            "q": float("nan"),
            "a": np.arange(3),
            "b": np.bool_(True),
            1: None,
        }
    )
    assert value == {
        "shape": [3, 4],
        "x": 0.5,
        "n": 7,
        "p": "inf",
        "q": "nan",
        "a": [0, 1, 2],
        "b": True,
        "1": None,
    }
    json.dumps(value, allow_nan=False)


def test_load_rejects_other_files(tmp_path):
    good = results.write(_results(), tmp_path / "good.json")
    assert results.load(good)["adapter"]["name"] == "numpy"
    (tmp_path / "other.json").write_text('{"$id": "something else"}')
    with pytest.raises(results.NotResults, match="not a conformance results file"):
        results.load(tmp_path / "other.json")
    future = {**_results(), "schema": "initializer-conformance/results/2"}
    (tmp_path / "future.json").write_text(json.dumps(future))
    with pytest.raises(results.ResultsError, match="is not supported by this version"):
        results.load(tmp_path / "future.json")
    broken = {**_results(), "tests": [{"nodeid": "x"}]}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    with pytest.raises(results.ResultsError, match=r"invalid results file: \$.tests\[0\]"):
        results.load(tmp_path / "broken.json")


def test_property_and_slug():
    """A module that failed to import cannot declare its property: its file names it."""
    assert results.property_of("conformance/test_probes.py::test_probe[he_normal]") == "probes"
    assert results.slug("mutant:SwappedFans") == "mutant-SwappedFans"
    assert results.slug("evil:<b>port</b>") == "evil-b-port-b"
    assert results.slug("../..") == "report"


def test_matrix_cells_show_the_worst_outcome():
    data = _results(outcomes={"he_normal": "fail"})
    matrix = results.matrix(data)
    assert matrix["rows"] == ["glorot_uniform", "he_normal", results.OTHER]  # seed page order
    assert matrix["columns"] == ["law", "fans", "seeds", "api"]
    assert matrix["cells"]["he_normal"]["fans"]["outcome"] == "fail"
    assert matrix["cells"]["he_normal"]["seeds"]["outcome"] == "skipped"
    assert results.worst(["pass", "skipped"]) == "pass"  # skipped never hides a pass
    assert results.worst(["pass", "unsupported", "error", "fail"]) == "fail"


# -- merge ----------------------------------------------------------------------------------


def test_merge_frameworks_by_initializers():
    torch = _results("torch", {"he_normal": "fail"})
    jax = _results("jax", {"glorot_uniform": "unsupported"})
    merged = results.merge([(torch, "torch.html"), (jax, None), (_results("torch"), "t2.html")])
    assert [f["label"] for f in merged["frameworks"]] == [
        "torch",
        "jax",
        "torch (keras2, seed 1, #2)",
    ]
    assert merged["initializers"] == ["glorot_uniform", "he_normal", results.OTHER]
    t, j, _ = merged["frameworks"]
    assert t["cells"]["he_normal"] == {
        "outcome": "fail",
        "counts": {"fail": 1, "skipped": 1},
        "labels": ["no catalogued cause"],  # no fitted cause: said so, not the check's name
        "link": "torch.html#initializer=he_normal",
    }
    assert t["cells"]["glorot_uniform"]["outcome"] == "pass"
    assert j["cells"]["glorot_uniform"]["outcome"] == "unsupported"
    assert j["cells"]["he_normal"]["link"] is None and j["verdict"] == "conforms"


def test_merge_command_writes_the_index(tmp_path, capsys):
    results.write(_results("torch", {"he_normal": "fail"}), tmp_path / "torch.json")
    (tmp_path / "torch.html").write_text("<html></html>")
    results.write(_results("jax"), tmp_path / "jax.json")  # no page: no link
    (tmp_path / "notes.json").write_text("[1, 2]")  # matched by a glob: skipped
    out = tmp_path / "site" / "index.html"
    status = cli.main(["merge", *map(str, sorted(tmp_path.glob("*.json"))), "-o", str(out)])
    assert status == 0
    page = out.read_text()
    assert 'href="../torch.html#initializer=he_normal"' in page
    assert "jax.html" not in page
    assert page.count("<tr data-framework=") == 2
    assert "skipped" in capsys.readouterr().err
    assert cli.main(["merge", str(tmp_path / "notes.json"), "-o", str(out)]) == 2
    suite = _results("jax")["suite"]
    assert f"{suite['name']} {suite['version']} · profile ci" in page  # the provenance
    assert "not comparable" not in page


def test_merge_refuses_results_of_different_suite_versions(tmp_path, capsys):
    """Their verdicts are not comparable: refused, unless asked, and then the page says so."""
    old = _results("torch")
    old["suite"] = {**old["suite"], "version": "0.2.0"}
    results.write(old, tmp_path / "torch.json")
    checkout = _results("jax")  # a checkout's version is the same version
    checkout["suite"] = {
        **checkout["suite"],
        "version": checkout["suite"]["version"] + " (not installed)",
    }
    results.write(checkout, tmp_path / "jax.json")
    assert len(results.suite_versions([checkout, _results("jax")])) == 1
    files, out = sorted(map(str, tmp_path.glob("*.json"))), tmp_path / "index.html"
    assert cli.main(["merge", *files, "-o", str(out)]) == 2
    assert "2 versions of the suite" in capsys.readouterr().err and not out.exists()
    assert cli.main(["merge", *files, "-o", str(out), "--mixed-versions"]) == 0
    assert "these runs come from 2 versions of the suite" in out.read_text().lower()


# -- recording ------------------------------------------------------------------------------


@pytest.fixture
def record(reference_run):
    reference_run.record.enabled = True
    return reference_run.record


def _sample(law, n, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return Sample(law.sample(rng, (n,)) * scale, 1)


def test_findings_keep_the_failing_example(record):
    ctx = Context("he_normal", {"seed": 1}, (16, 64), "float32")
    law = ctx.law()
    assertions.assert_scale(_sample(law, 5000, 1), law, ctx, 1e-6)  # passes: recorded
    assert [f["passed"] for f in kept.findings(record)] == [True]
    bad_ctx = Context("he_normal", {"seed": 2}, (16, 64), "float32")
    with pytest.raises(AssertionError) as failure:
        assertions.assert_scale(_sample(law, 30_000, 2, scale=0.5), law, bad_ctx, 1e-6)
    assertions.assert_scale(
        _sample(law, 5000, 3), law, Context("he_normal", {"seed": 3}, (16, 64), "float32"), 1e-6
    )  # a later passing example
    (finding,) = kept.findings(record, failure.value)  # the example that raised it
    assert finding["check"] == "scale" and not finding["passed"]
    assert finding["case"] == {
        "identifier": "he_normal",
        "config": {"seed": 2},
        "shape": [16, 64],
        "dtype": "float32",
        "seed": 2,
    }
    assert finding["statistics"][0]["test"].startswith("variance")
    assert finding["statistics"][0]["pvalue"] < finding["statistics"][0]["alpha"]
    assert "observed/expected std = 0.50" in finding["statistics"][0]["effect"]
    assert finding["law"]["formula"] == law.formula and finding["law"]["edition"] == "keras2"
    assert finding["expected"] in str(failure.value)
    sample = finding["sample"]
    assert sample["n"] == 30_000 and len(sample["values"]) == 2000
    assert sample["values"] == sorted(sample["values"])
    assert sample["values"][0] == pytest.approx(sample["min"], rel=1e-6)
    assert sample["values"][-1] == pytest.approx(sample["max"], rel=1e-6)
    assert sum(sample["histogram"]["counts"]) == 30_000
    # the law is rebuilt for the plots, from the finding alone
    assert plots.law_of(finding) == reference.make("he_normal", {"seed": 2}).law((16, 64))
    json.dumps(results.jsonable(finding), allow_nan=False)
    # an error that is not a failure of the checks: no example is claimed
    assert kept.findings(record, RuntimeError("adapter crashed")) == []
    # a passing example keeps a small sample
    (passed,) = kept.findings(record)
    assert passed["passed"] and len(passed["sample"]["values"]) == 250


def test_plots_are_svg_data_uris(record):
    ctx = Context("TruncatedNormal", {"seed": 1}, (64, 64), "float64")
    law = ctx.law()
    with pytest.raises(AssertionError) as failure:
        assertions.assert_scale(_sample(law, 20_000, 1, scale=1.2), law, ctx, 1e-6)
    (finding,) = kept.findings(record, failure.value)
    for plot in (plots.failure_plot(finding), plots.pass_plot(finding)):
        assert plot.startswith(("data:image/svg+xml,%3Csvg", "data:image/svg+xml,<svg"))
        assert 3000 < len(plot) < 40_000
        assert "#" not in plot and "%" in plot  # a valid data: URI (a # would end it)
    assert plots.failure_plot({**finding, "sample": None}) is None


# -- runs of the suite ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def numpy_run(tmp_path_factory):
    """The reference under xdist: the controller alone writes the files."""
    return suite_report(
        tmp_path_factory,
        "numpy-report",
        "--impl=numpy",
        "-n",
        "1",
        "-k",
        "test_law and glorot_uniform or test_probe and TruncatedNormal and not float or "
        "test_identity_shape or test_seed_repeated_calls and he_normal",
        "--report-json={out}/numpy.json",
        "--junitxml={out}/junit.xml",
    )


def test_numpy_run_writes_results_and_page(numpy_run):
    result, out = numpy_run
    assert result.returncode == 0, result.stdout[-3000:]
    recorded = {
        t["nodeid"].split("::")[0]: t["property"] for t in results.load(out / "numpy.json")["tests"]
    }
    assert recorded["conformance/test_identity.py"] == "identity"  # each module's PROPERTY
    assert set(recorded.values()) <= set(properties.BY_NAME)
    assert re.search(r"report: \S*numpy\.json \(\d+ KB\), \S*numpy\.html \(\d+ KB\)", result.stdout)
    data = results.load(out / "numpy.json")
    assert data["adapter"] == {
        "impl": "numpy",
        "name": "numpy",
        "version": data["adapter"]["version"],
        "description": f"numpy ({data['adapter']['version']})",
    }
    assert data["edition"] == "keras2" and data["seed"] == DEFAULT_SEED and data["profile"] == "ci"
    assert data["suite"]["version"].startswith("0.")
    assert data["platform"]["numpy"] == np.__version__ and data["platform"]["workers"] == 1
    assert data["platform"]["python"].count(".") == 2
    assert data["duration"] > 0 and data["exitstatus"] == 0
    assert data["verdict"] == "partial" and data["partial"]["ran"] == 10  # -k: no verdict
    assert data["alpha"]["tests"] > 0 and data["alpha"]["spent"] <= data["alpha"]["budget"]
    by_id = {t["nodeid"]: t for t in data["tests"]}
    assert len(by_id) == len(data["tests"]) == 10  # once each (and in collection order)
    assert [t["nodeid"] for t in data["tests"]][:2] == [  # test_law runs in test_bounds' place
        "conformance/test_law.py::test_law[glorot_uniform]",
        "conformance/test_identity.py::test_identity_shape[(2, 3)]",
    ]
    law = by_id["conformance/test_law.py::test_law[glorot_uniform]"]
    assert (law["property"], law["initializer"], law["outcome"]) == (
        "law",
        "glorot_uniform",
        "pass",
    )
    (finding,) = law["findings"]  # the last example's checks
    assert [s["test"] for s in finding["statistics"]] == ["Kolmogorov-Smirnov", "Cramér-von Mises"]
    assert all(s["pvalue"] >= s["alpha"] for s in finding["statistics"])
    assert 0 < len(finding["sample"]["values"]) <= 250
    probe = by_id["conformance/test_probes.py::test_probe[TruncatedNormal]"]
    assert probe["property"] == "probes" and probe["initializer"] == "TruncatedNormal"
    assert [f["check"] for f in probe["findings"]] == ["scale", "law", "bounds"]
    shape = by_id["conformance/test_identity.py::test_identity_shape[(2, 3)]"]
    assert (shape["initializer"], shape["params"]) == ("Identity", {"shape": [2, 3]})
    skipped = by_id["conformance/test_seeds.py::test_seed_repeated_calls[he_normal]"]
    assert skipped["outcome"] == "skipped" and "does not specify" in skipped["message"]

    page = (out / "numpy.html").read_text()
    assert ">partial: 10 of " in page and ">conforms<" not in page and "Passing samples" in page
    assert page.count('<figure class="thumb"') == 2  # glorot_uniform, TruncatedNormal
    assert "data:image/svg+xml," in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing external
    assert '<link rel="stylesheet"' not in page and "<script src" not in page

    # --junitxml: meaningful names, and the findings are not copied into its properties
    tree = ET.parse(out / "junit.xml")
    names = [case.get("name") for case in tree.iter("testcase")]
    assert "test_law[glorot_uniform]" in names
    assert "conformance_findings" not in (out / "junit.xml").read_text()


@pytest.fixture(scope="module")
def swapped_fans_run(tmp_path_factory):
    return suite_report(tmp_path_factory, "swapped-report", *SWAPPED_FANS)


def test_a_failure_is_recorded_and_shown(swapped_fans_run):
    result, out = swapped_fans_run
    assert result.returncode == 1, result.stdout[-3000:]
    data = results.load(out / "page.json")  # the JSON goes next to the page
    assert data["adapter"]["name"] == "mutant:SwappedFans" and data["exitstatus"] == 1
    assert data["verdict"] == "deviations"
    assert (data["totals"]["fail"], data["totals"]["pass"]) == (1, 1)
    (test,) = [t for t in data["tests"] if t["outcome"] == "fail"]
    assert test["nodeid"] == "conformance/test_fans.py::test_fans[he_normal]"
    assert test["reproduce"] == (
        "pytest 'conformance/test_fans.py::test_fans[he_normal]' "
        "--impl=initializer_conformance.adapters.mutants:SwappedFans --edition=keras2 "
        f"--conformance-seed={DEFAULT_SEED} --conformance-profile=ci --no-report"
    )
    assert test["exception"] == "AssertionError"
    assert test["message"].startswith(
        "AssertionError: [scale] he_normal: spread or centre differs from the spec"
    )
    assert f"reproduce: {test['reproduce']}" in test["message"]
    finding = next(f for f in test["findings"] if not f["passed"])
    # the example the failure message names (Hypothesis reports an explicit example here)
    assert (
        f"case:     {finding['case']['identifier']}({finding['case']['config']}), "
        f"shape={tuple(finding['case']['shape'])}" in test["message"]
    )
    assert finding["causes"][0].startswith("fan_in and fan_out swapped")
    variance = finding["statistics"][0]
    assert variance["pvalue"] < variance["alpha"] and variance["n"] == finding["sample"]["n"]
    assert len(finding["sample"]["values"]) == min(2000, finding["sample"]["n"])  # a subsample
    assert finding["law"]["formula"] in finding["expected"]

    page = (out / "page.html").read_text()
    assert (
        ">does not conform: 1 failure, 1 cause; partial run: 2 of " in page
    )  # a -k subset: never a verdict
    assert page.count('<article class="card') == 1
    card = page[page.index('<article class="card') : page.index("</article>")]
    for text in (
        "test_fans[he_normal]",
        "Likely cause",
        "fan_in and fan_out swapped",
        "variance (Pearson III, 3 moments)",
        "minimal case",
        "Reproduce",
        "--impl=initializer_conformance.adapters.mutants:SwappedFans",
        'class="plot" src="data:image/svg+xml,',
    ):
        assert text in card, text
    assert re.search(
        r'<td class="cell o-fail"[^>]*>\s*<a href="#t-test_fans.py-test_fans-he_normal', page
    )


def _evil_adapter(tmp_path):
    (tmp_path / "evil_port.py").write_text(
        "import numpy as np\n"
        "class Port:\n"
        "    name = 'evil:<b>port</b>'\n"
        "    def version(self):\n"
        "        return '<i>1.0</i>'\n"
        "    def make(self, identifier, config):\n"
        "        if identifier != 'Zeros':\n"
        "            raise RuntimeError('<script>alert(1)</script>')\n"
        "        return lambda shape, dtype: np.zeros(shape, dtype)\n"
    )


def test_adapter_text_is_escaped_and_default_paths(tmp_path):
    """No report option: reports/NAME.{json,html} in the directory pytest runs from, NAME
    the adapter's file-safe name; adapter strings are shown as text, never as markup."""
    _evil_adapter(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "conformance"),
            "-p",
            "no:cacheprovider",
            "--impl=evil_port:Port",
            "-o",
            f"pythonpath={tmp_path}",
            "-k",
            "test_dtype and (Zeros or glorot_normal) and (float32 or int32)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1, result.stdout[-3000:]
    # a -k subset: its own files, never the full run's
    assert "report: reports/evil-b-port-b.partial.json" in result.stdout
    data = results.load(tmp_path / "reports" / "evil-b-port-b.partial.json")
    outcomes = {t["nodeid"].split("[")[1]: t["outcome"] for t in data["tests"]}
    assert outcomes == {
        "Zeros-float32]": "pass",
        "Zeros-int32]": "pass",
        "glorot_normal-float32]": "error",  # the adapter crashed
        "glorot_normal-int32]": "fail",
    }  # RuntimeError where ValueError is due
    page = (tmp_path / "reports" / "evil-b-port-b.partial.html").read_text()
    assert "<script>alert(1)</script>" not in page and "<b>port</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "evil:&lt;b&gt;port&lt;/b&gt;" in page and "&lt;i&gt;1.0&lt;/i&gt;" in page
    assert page.count("<script") == 1  # the page's own filter script only


def test_page_renders_every_outcome():
    """Every outcome and a card without structured findings (an adapter error) render."""
    tests = [
        a_test(
            f"conformance/test_api.py::test_x[{o}]",
            o,
            "Zeros",
            "api",
            message=f"<{o}>",
            longrepr="Traceback <here>",
            exception="RuntimeError",
            reproduce="pytest x",
        )
        for o in results.OUTCOMES
    ]
    page = render.run_page(results.build(a_run(), tests))
    assert page.count('<article class="card') == 3  # fail, error, known-deviation
    assert "&lt;error&gt;" in page and "Traceback &lt;here&gt;" in page
    assert ">does not conform: 2 failures, 2 causes (1 known deviation, 1 unsupported)<" in page


def test_an_underflowed_p_value_is_shown_as_a_bound():
    assert render._pvalue(0.0) == "< 2.23e-308"
    assert render._pvalue(2.66e-07) == "2.66e-07"
