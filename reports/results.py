"""Results of a conformance run as data: the schema, building, loading and merging.

A results file is one JSON object of schema ``initializer-conformance/results/1``
(``reports/schema/results-1.json``, described in ``reports/README.md``): who was tested (adapter,
edition, seed, profile, platform, suite version), and one entry per test item with its
outcome and, for the statistical checks, its findings (statistics, law, sample). This
module needs neither pytest nor the suite's checks (only the reference's list of
initializers and the suite's version):
``python -m initializer_conformance.reports merge`` reads results written anywhere.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.version import suite_version as suite_version
from initializer_conformance.reference.registry import NAMES

from . import causes

SCHEMA = "initializer-conformance/results/1"
SCHEMA_FILE = Path(__file__).with_name("schema") / "results-1.json"
SUITE = "initializer-conformance"

#: Outcomes of a test item, best first. ``known-deviation`` is reserved: a test the
#: adapter declares as a known deviation from the spec (pytest's xfail, for now).
OUTCOMES = ("pass", "fail", "unsupported", "known-deviation", "error", "skipped")

#: Worst first: a matrix cell shows the worst outcome of its tests. ``skipped`` (not
#: applicable, e.g. to this edition) ranks below ``pass`` so that it never hides one.
SEVERITY = {"fail": 5, "error": 4, "known-deviation": 3, "unsupported": 2, "pass": 1, "skipped": 0}

#: Columns of the matrix: the property each test file checks.

#: Rows of the matrix: the spec's initializers in the seed page's order (the reference's
#: one list); tests about no initializer go to OTHER.
INITIALIZERS = NAMES
OTHER = properties.NO_INITIALIZER


class ResultsError(ValueError):
    """A results file this code cannot read (unsupported version, invalid)."""


class NotResults(ResultsError):
    """A file that is not a conformance results file at all."""


# -- building -------------------------------------------------------------------------------


property_of = properties.of_path


def worst(outcomes) -> str | None:
    """The worst of ``outcomes`` (None if there are none)."""
    outcomes = list(outcomes)
    return max(outcomes, key=SEVERITY.__getitem__) if outcomes else None


def totals(tests: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for test in tests:
        counts[test["outcome"]] += 1
    return counts


def verdict(counts: dict[str, int]) -> str:
    """``deviations``: something failed or errored; ``no-pass``: nothing passed;
    ``known-deviations``: only declared deviations failed; ``conforms``: nothing failed."""
    if counts["fail"] or counts["error"]:
        return "deviations"
    if not counts["pass"]:
        return "no-pass"
    return "known-deviations" if counts["known-deviation"] else "conforms"


def jsonable(value):
    """``value`` as strict JSON data: tuples become lists, NumPy scalars Python numbers,
    non-finite floats the strings ``"inf"``, ``"-inf"``, ``"nan"``, anything else its repr."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    item = getattr(value, "item", None)  # NumPy scalars and 0-d arrays
    if callable(item) and getattr(value, "ndim", 1) == 0:
        return jsonable(item())
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return jsonable(tolist())
    return repr(value)


_ADDRESS = re.compile(r"( at )0x[0-9a-fA-F]{4,}\b")


def stable(value):
    """``value`` with what differs between two identical runs taken out of its strings:
    object addresses (``<Context object at 0x7f...>`` -> ``<Context object at 0x...>``)."""
    if isinstance(value, str):
        return _ADDRESS.sub(r"\g<1>0x...", value) if " at 0x" in value else value
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def build(run: dict, tests: list[dict]) -> dict:
    """The results object: ``run`` (adapter, edition, seed, ..., see the schema) plus the
    tests, their totals and the verdict. Only ``started`` and the durations differ
    between two runs of the same command (object addresses are taken out, :func:`stable`).

    A partial run (``run["partial"]``: checks deselected, named, or not run) has no verdict
    of conformance, ``partial``, unless it found a new deviation, which is a finding
    whatever else ran: only a complete run can say "conforms"."""
    counts = totals(tests)
    found = verdict(counts)
    data = {
        "schema": SCHEMA,
        **run,
        "totals": counts,
        "verdict": "partial" if run.get("partial") and found != "deviations" else found,
        "tests": stable(jsonable(tests)),
    }
    return jsonable(data)


#: What may differ between two runs of the same command: the start time and durations.
RUN_VARYING = ("started", "duration")


def without_timings(data: dict) -> dict:
    """``data`` without what legitimately varies between two identical runs."""
    out = {k: v for k, v in data.items() if k not in RUN_VARYING}
    out["tests"] = [{k: v for k, v in t.items() if k != "duration"} for t in data["tests"]]
    return out


def headline(data: dict) -> tuple[str, str]:
    """The verdict in words, with what qualifies it (known deviations, unsupported checks,
    stale declarations, a profile other than ``ci``), and its CSS class."""
    counts = data["totals"]
    stale = sum(d["status"] == "stale" for d in data.get("deviations") or ())
    extras = []
    if counts["unsupported"]:
        extras.append(f"{counts['unsupported']} unsupported")
    if stale:
        extras.append(f"{stale} stale known deviation{'s' * (stale != 1)}")
    if data.get("profile") not in (None, "ci"):
        extras.append(f"{data['profile']} profile")
    tail = f" ({', '.join(extras)})" if extras else ""
    partial = data.get("partial")
    if data["verdict"] == "partial":
        known = counts["known-deviation"]
        if known:
            extras.insert(0, f"{known} known deviation{'s' * (known != 1)}")
        tail = f" ({', '.join(extras)})" if extras else ""
        return f"partial: {partial_text(partial)}; no conformance verdict{tail}", "error"
    if data["verdict"] == "conforms":
        return ("conforms where supported" if counts["unsupported"] else "conforms") + tail, (
            "fail" if stale else "pass"
        )
    if data["verdict"] == "no-pass":
        return "no check passed: this run does not show conformance" + tail, "error"
    if data["verdict"] == "known-deviations":
        known = counts["known-deviation"]
        return f"conforms except {known} known deviation{'s' * (known != 1)}{tail}", (
            "fail" if stale else "known-deviation"
        )
    new = counts["fail"] + counts["error"]
    known = counts["known-deviation"]
    if known:
        extras.insert(0, f"{known} known deviation{'s' * (known != 1)}")
    tail = f" ({', '.join(extras)})" if extras else ""
    if partial:
        tail += f"; partial run: {partial_text(partial)}"
    found = len([g for g in causes.groups(data["tests"], causes.reasons_of(data)) if g["new"]])
    return (
        f"does not conform: {new} failure{'s' * (new != 1)}, "
        f"{found} cause{'s' * (found != 1)}{tail}",
        "fail",
    )


def partial_text(partial: dict) -> str:
    """``90 of 461 checks ran (-k 'fans')``: what a partial run ran, and why no more (the
    same words as the terminal's, ``conformance/plugin.py``)."""
    ran, of = partial["ran"], partial.get("of")
    if of is not None:
        counted = f"{ran} of {of} checks ran"
    else:
        counted = f"{ran} check{'s' * (ran != 1)} ran"
    why = partial.get("why") or []
    return f"{counted} ({', '.join(why)})" if why else counted


_NUMBERS = re.compile(r"\[\s+([-+0-9.eE,\s]+?)\s+\]")


def dumps(data: dict) -> str:
    """Strict JSON, indented, with arrays of numbers on one line (samples stay compact)."""
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    return _NUMBERS.sub(lambda m: "[" + re.sub(r"\s+", "", m.group(1)) + "]", text) + "\n"


def write(data: dict, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(data), encoding="utf-8")
    return path


# -- validating and loading -----------------------------------------------------------------

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def _check(value, schema: dict, root: dict, where: str, errors: list[str]) -> None:
    """The subset of JSON Schema that ``schema.json`` uses: $ref, type, enum, required,
    properties, items."""
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, kind) for kind in kinds):
            errors.append(f"{where}: expected {' or '.join(kinds)}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{where}: missing {key!r}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _check(value[key], sub, root, f"{where}.{key}", errors)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], root, f"{where}[{i}]", errors)


def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(data) -> list[str]:
    """The ways ``data`` breaks the schema (empty if it is a valid results object)."""
    errors: list[str] = []
    root = schema()
    _check(data, root, root, "$", errors)
    return errors


def load(path: str | Path) -> dict:
    """Read and validate a results file; :class:`ResultsError` says what is wrong."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotResults(f"{path}: not a readable JSON file: {error}") from None
    version = data.get("schema") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(SCHEMA.rsplit("/", 1)[0] + "/"):
        raise NotResults(
            f"{path}: not a conformance results file (schema {version!r}, expected {SCHEMA!r})"
        )
    if version != SCHEMA:
        raise ResultsError(
            f"{path}: schema {version!r} is not supported by this version of "
            f"the suite (it reads {SCHEMA!r})"
        )
    errors = validate(data)
    if errors:
        raise ResultsError(f"{path}: invalid results file: " + "; ".join(errors[:5]))
    return data


# -- views ----------------------------------------------------------------------------------


def initializer_rows(tests: list[dict]) -> list[str]:
    """The initializers of ``tests``, in the seed page's order, unknown ones after."""
    present = {t["initializer"] for t in tests}
    rows = [name for name in INITIALIZERS if name in present]
    rows += sorted(present - set(INITIALIZERS) - {OTHER})
    return rows + ([OTHER] if OTHER in present else [])


def matrix_columns(tests: list[dict]) -> list[str]:
    """The properties of ``tests``, most severe first (``conformance/properties.py``)."""
    return sorted({t["property"] for t in tests}, key=lambda p: (properties.severity(p), p))


def matrix(data: dict) -> dict:
    """``{"rows": [...], "columns": [...], "cells": {row: {column: cell}}}`` with a cell
    ``{"outcome": worst, "counts": {outcome: n}, "tests": [nodeid, ...]}``."""
    tests = data["tests"]
    columns = matrix_columns(tests)
    rows = initializer_rows(tests)
    cells: dict[str, dict[str, dict]] = {row: {} for row in rows}
    for test in tests:
        cell = cells[test["initializer"]].setdefault(
            test["property"], {"outcome": None, "counts": {}, "tests": []}
        )
        cell["counts"][test["outcome"]] = cell["counts"].get(test["outcome"], 0) + 1
        cell["tests"].append(test["nodeid"])
    for row in cells.values():
        for cell in row.values():
            cell["outcome"] = worst(cell["counts"])
    return {"rows": rows, "columns": columns, "cells": cells}


def slug(text: str) -> str:
    """A file-name and URL-fragment safe form of ``text``: ``mutant:SwappedFans`` ->
    ``mutant-SwappedFans``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-.") or "report"


# -- merging --------------------------------------------------------------------------------


def merge(runs: list[tuple[dict, str | None]]) -> dict:
    """Frameworks x initializers from several results objects.

    ``runs``: ``(results, link)`` pairs, ``link`` the URL of the run's HTML page (or None).
    A cell is the worst outcome of that framework's tests of that initializer, and
    links to the framework's page filtered to the initializer.
    """
    frameworks, seen = [], {}
    all_tests = []
    for data, link in runs:
        label = data["adapter"]["name"]
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # two results of one adapter (another edition, seed, ...)
            label = f"{label} ({data['edition']}, seed {data['seed']}, #{seen[label]})"
        by_initializer: dict[str, list[dict]] = {}
        for test in data["tests"]:
            by_initializer.setdefault(test["initializer"], []).append(test)
        all_tests += data["tests"]
        cells = {}
        for name, tests in by_initializer.items():
            values = [t["outcome"] for t in tests]
            counts = {o: values.count(o) for o in OUTCOMES if o in values}
            cells[name] = {
                "outcome": worst(values),
                "counts": counts,
                "labels": causes.labels(tests, causes.reasons_of(data)),
                "link": f"{link}#initializer={name}" if link else None,
            }
        frameworks.append(
            {
                "label": label,
                "adapter": data["adapter"],
                "edition": data["edition"],
                "seed": data["seed"],
                "profile": data["profile"],
                "started": data["started"],
                "suite": data["suite"],
                "verdict": data["verdict"],
                "totals": data["totals"],
                "headline": headline(data),
                "link": link,
                "cells": cells,
            }
        )
    legend: dict[str, list[str]] = {}  # label -> the causes it names, over all runs
    for data, _ in runs:
        for test in data["tests"]:
            for failure in causes.failures(test, causes.reasons_of(data)):
                named = legend.setdefault(failure["label"], [])
                if failure["cause"] not in named:
                    named.append(failure["cause"])
    started = sorted(fw["started"] for fw in frameworks if fw["started"])
    return {
        "initializers": initializer_rows(all_tests),
        "frameworks": frameworks,
        "legend": dict(sorted(legend.items())),
        "suites": suite_versions(data for data, _ in runs),
        "profiles": sorted({fw["profile"] for fw in frameworks}),
        "dates": sorted({s[:10] for s in started[:1] + started[-1:]}),
    }


def suite_versions(runs) -> list[str]:
    """The suite versions that made ``runs`` (results objects): one, unless they mix (a
    checkout's "0.4.0 (not installed)" is 0.4.0)."""
    return sorted(
        {f"{data['suite']['name']} {data['suite']['version'].split()[0]}" for data in runs}
    )
