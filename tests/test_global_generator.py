"""SPEC.md decision 15: an unseeded draw may come from the framework's global generator; a
seeded call may not read or move it. The suite's seed checks run on two ports whose
unseeded instances draw from one reseedable global generator
(``tests/global_generator_adapters.py``)."""

from __future__ import annotations

import re

from benchmarks.runs import suite_process

SEED_CHECKS = ("-k", "test_seed or test_unseeded or test_calls", "--no-report")


def test_unseeded_draws_from_a_global_generator_conform():
    result = suite_process("--impl=tests.global_generator_adapters:GlobalGenerator", *SEED_CHECKS)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout.splitlines()[-1])


def test_a_seeded_call_that_moves_the_global_generator_fails_named():
    result = suite_process(
        "--impl=tests.global_generator_adapters:SeededAdvancesGlobal", *SEED_CHECKS
    )
    assert result.returncode == 1, result.stdout[-3000:]
    failed = re.findall(r"^FAILED (\S+) - (.*)$", result.stdout, re.M)
    assert failed and all(
        check.startswith("test_seeded_calls_leave_global_state[") for check, _ in failed
    ), failed
    assert all("changed the framework's global generator" in why for _, why in failed), failed
