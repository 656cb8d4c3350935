"""Unsupported is per case, not per property: what an adapter lacks is recorded and
counted, the rest keeps being tested, and a property that tested nothing is unsupported."""

import json

from benchmarks.runs import suite_process
from initializer_conformance.reports import render


def _run(tmp_path, adapter: str, *args: str):
    report = tmp_path / "results.json"
    result = suite_process(
        f"--impl=tests.partial_adapters:{adapter}",
        "--conformance-profile=quick",
        "--report-json",
        str(report),
        *args,
    )
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(report.read_text())
    return result, {t["nodeid"].split("::")[-1]: t for t in data["tests"]}, data


def test_one_missing_dtype_does_not_silence_a_property(tmp_path):
    result, tests, data = _run(tmp_path, "NoFloat64", "-k", "test_law or test_scale or test_bounds")
    assert result.returncode == 0, result.stdout[-3000:]
    law = tests["test_law[RandomUniform]"]
    # the property tested the other dtypes (its passing statistical checks are recorded)...
    assert law["outcome"] == "pass", law
    assert law["findings"], law
    assert all(f["case"]["dtype"] != "float64" for f in law["findings"]), law["findings"]
    # ... and counts what it could not test
    cases = dict(law["unsupported_cases"])
    assert cases.get("RandomUniform in float64", 0) >= 1, law
    # the terminal summary says it, per initializer
    assert "unsupported cases (NotImplementedError" in result.stdout
    assert "RandomUniform in float64" in result.stdout
    # and the report's page lists it under "Unsupported"
    page = render.run_page(data)
    section = page[page.index('<section id="unsupported"') :]
    assert "<strong>RandomUniform in float64</strong>: not tested by 3 checks" in section


def test_a_property_that_tested_nothing_is_unsupported(tmp_path):
    result, tests, _ = _run(tmp_path, "NoRandomNormal", "-k", "test_law or test_scale")
    law = tests["test_law[RandomNormal]"]
    assert law["outcome"] == "unsupported", law
    assert "tested nothing" in law["message"] and "not ported yet" in law["message"], law
    assert tests["test_law[RandomUniform]"]["outcome"] == "pass"
    assert result.returncode == 0, result.stdout[-3000:]


class InvalidArgumentError(Exception):
    """TensorFlow's error type, by name (the hook reads the name, not the class)."""


def test_a_missing_kernel_is_unsupported_only_for_a_floating_dtype():
    import numpy as np
    import pytest

    from initializer_conformance.adapters.keras_family import KerasFamily

    class NoBfloat16Qr(KerasFamily):
        name = "no-bfloat16-qr"

        def build(self, name, kwargs):
            def draw(shape, dtype):
                if dtype == "bfloat16":
                    raise InvalidArgumentError(
                        "Value for attr 'T' of bfloat16 is not in the list of allowed values"
                    )
                if dtype == "float32":
                    raise InvalidArgumentError("Need minval < maxval")  # a real error
                return np.eye(*shape)

            return draw

    init = NoBfloat16Qr().make("Orthogonal", {})
    with pytest.raises(
        NotImplementedError, match="Orthogonal is not implemented for dtype bfloat16"
    ):
        init((2, 2), "bfloat16")
    with pytest.raises(InvalidArgumentError, match="minval"):  # not a missing kernel: surfaces
        init((2, 2), "float32")
    assert init((2, 2), "float64").shape == (2, 2)
