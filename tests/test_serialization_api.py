"""The optional serialization API: an adapter without it is unsupported (never a pass), the
built-in ones have it, and the Keras ports' declared deviations match the suite's messages."""

import re

import pytest

from benchmarks.runs import suite_process
from initializer_conformance import reference
from initializer_conformance.adapters import keras_serialization, mutants, port, reference_numpy
from initializer_conformance.conformance.serialization import differences

CHECKS = "get_config or round_trip or serialized_form or get_resolves or serialization_value_error"


def _run(adapter: str, *args: str):
    return suite_process(
        f"--impl=tests.serialization_adapters:{adapter}",
        "--conformance-profile=quick",
        "--no-report",
        "-q",
        "-k",
        CHECKS,
        *args,
    )


def test_the_reference_and_its_mutants_have_the_api():
    assert isinstance(reference_numpy.ReferenceAdapter(), port.Serialization)
    assert all(isinstance(m(), port.Serialization) for m in mutants.MUTANTS.values())


@pytest.mark.parametrize("adapter", ["MakeOnly", "NotImplementedSerialization"])
def test_an_adapter_without_the_api_is_unsupported(adapter):
    result = _run(adapter)
    last = result.stdout.strip().splitlines()[-1]
    # every check skipped as unsupported; a run that passed nothing fails
    assert re.fullmatch(r"\d+ skipped, \d+ deselected in .*", last), result.stdout[-3000:]
    assert result.returncode != 0
    assert "unsupported (NotImplementedError: not a pass" in result.stdout
    assert "no check passed" in result.stdout


def test_a_missing_method_leaves_the_other_checks_running():
    result = _run("NoGet")
    assert result.returncode == 0, result.stdout[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    passed, skipped = (
        int(re.search(rf"(\d+) {w}", summary).group(1)) for w in ("passed", "skipped")
    )
    # get_resolves (every identifier) and the value errors through get are unsupported ...
    identifiers, through_get = len(reference.identifiers()), 2 + 3 + 7 + 2
    assert skipped == identifiers + through_get, summary
    # ... and the rest ran: 4 properties of 15 initializers, 4 value errors
    assert passed == 4 * len(reference.NAMES) + 4, summary
    assert "get()" in result.stdout  # named as what the adapter lacks


def _failure(observed: str) -> AssertionError:
    return AssertionError(f"[serialization] x: y\n  expected: z\n  observed: {observed}\n  case: c")


def _excused(groups: tuple, check: str, error: BaseException) -> bool:
    entries = [e for g in groups for c, e in g.items() if c == check]
    return any(re.search(e["match"], f"{type(error).__name__}: {error}") for e in entries)


@pytest.mark.parametrize("axes", [False, True], ids=["tf_keras", "keras"])
def test_the_keras_declarations_match_the_suite_messages(axes):
    """The Keras ports' narrowed deviations excuse exactly the messages the suite writes for
    what Keras does, and not a different difference."""
    groups = keras_serialization.serialization_deviations("K", "", axes=axes, edition="keras2")
    extra = {"input_axes": None, "output_axes": None} if axes else {}

    def config(name, got):
        want = reference.make(name, {"seed": 1}).get_config()
        return _failure(
            "differs from the spec in: " + "; ".join(differences(got, want, "the spec"))
        )

    he = config("he_normal", {"seed": 1, **extra})
    assert _excused(groups, "test_get_config[he_normal]", he)
    vs = config(
        "VarianceScaling",
        {
            **reference.make("VarianceScaling", {"seed": 1}).get_config(),
            "distribution": "truncated_normal",
            **extra,
        },
    )
    assert _excused(groups, "test_get_config[VarianceScaling]", vs)
    # a seed lost on the way is not excused
    wrong = config("he_normal", {**extra})
    assert not _excused(groups, "test_get_config[he_normal]", wrong)
    keys = "keys ['class_name', 'config', 'module', 'registered_name'] (spec: exactly ['class_name', 'config'])"
    assert _excused(groups, "test_serialized_form[Zeros]", _failure(keys))
    preset = f"{keys}; class_name 'HeNormal' is not one of ['VarianceScaling', 'he_normal']"
    assert _excused(groups, "test_serialized_form[he_normal]", _failure(preset))
    assert not _excused(
        groups, "test_serialized_form[Zeros]", _failure(f"{keys}; config seed missing")
    )
