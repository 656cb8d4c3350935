"""The suite's properties (``conformance/properties.py``), declared once: every test module
of the suite names its own, and the reports order and rank by that declaration alone
(issue #28, item 1 in part)."""

import ast
from pathlib import Path

from initializer_conformance.conformance import properties
from initializer_conformance.reports import causes, results

CONFORMANCE = Path(properties.__file__).parent


def _declared(path: Path) -> list[str]:
    """The ``PROPERTY = properties.NAME`` assignments of a module, by NAME."""
    return [
        node.value.attr
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["PROPERTY"]
        and isinstance(node.value, ast.Attribute)
        and getattr(node.value.value, "id", None) == "properties"
    ]


def test_every_test_module_declares_one_property_of_the_order():
    modules = sorted(CONFORMANCE.glob("test_*.py"))
    declared = {path.name: _declared(path) for path in modules}
    assert all(len(names) == 1 for names in declared.values()), declared
    found = {getattr(properties, names[0]) for names in declared.values()}
    assert found == set(properties.ORDER)  # every property is some module's, once each


def test_columns_and_causes_follow_the_declared_severity():
    """A wrong law first, the API last; a property no module declares (a results file of
    another version) after every declared one."""
    tests = [
        {"nodeid": f"t{i}", "property": p, "initializer": "he_normal", "outcome": "passed"}
        for i, p in enumerate(["api", "serialization", "law", "structure", "calls", "zzz"])
    ]
    columns = results.matrix_columns(tests)
    assert columns == ["law", "calls", "structure", "serialization", "api", "zzz"]
    assert [causes.severity(p) for p in columns] == sorted(causes.severity(p) for p in columns)
    assert causes.severity("calls") < causes.severity("api") == len(properties.ORDER) - 1
