"""The examples in the reference's docstrings run, as the installed modules."""

import doctest
import importlib

import pytest

MODULES = [
    "reference",
    "reference.constants",
    "reference.fans",
    "reference.matrices",
    "reference.spec_page",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"initializer_conformance.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
