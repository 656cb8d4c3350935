"""Known deviations: the failures a port declares, so that its CI gates on new ones.

A port lists the checks it knows it fails, each with a reason, in its adapter::

    class MyAdapter:
        known_deviations = {
            "test_law[he_normal]": "kaiming_normal_ is untruncated (by design)",
            "test_fans[*]": "fans are undefined for rank 0 and 1",
        }

or in a TOML file given with ``--known-deviations=FILE`` (added to the adapter's),
one ``"check" = "reason"`` line per deviation. A check is a test id as the report and
pytest show it, without the file (``test_law[he_normal]``), or the full node id;
``*`` matches any characters (brackets are literal).

A deviation can be narrowed to one failure of a check: instead of the reason, give an
entry that says what the failure is, by fields the suite's failures carry (no message
text): ``"cause"``, the key of a bug of the catalogue (``reference/bugs.py``) that the
failure names as its likely cause; ``"dtype"``, the dtype of the failing case;
``"property"``, the test module's property (``law``, ``seeds``...); ``"initializer"``, the
initializer the test checks. Each takes one value or a list. With them, the check may be
``"*"`` (every test), so a port names neither the suite's test ids nor its wording::

    "*": {"reason": "draws an untruncated normal", "cause": "untruncated_normal",
          "initializer": ["he_normal", "glorot_normal"]}

For what the fields cannot say, ``"match": REGEX`` keeps the failure whose exception
(``Type: message``) matches ``REGEX``: an adapter's own error, say. Another bug of the
same check still fails the run. A check may have a list of such entries; when Hypothesis
reports several failures of one check, each must be excused by some entry.

The schema, one for both forms (the adapter's dict and the TOML file are read by the
same :func:`validate`)::

    CHECK = REASON | ENTRY | [REASON | ENTRY, ...]
    ENTRY = {"reason": REASON, "match"?: REGEX, "cause"?: BUG | [BUG, ...],
             "dtype"?: DTYPE | [...], "property"?: NAME | [...], "initializer"?: NAME | [...]}

A declaration is strict, so that a typo cannot silently excuse nothing (or everything):
an unknown key (``"mach"``), a reason that is not a non-empty string, a ``match`` that is
no regular expression, a field's value the suite does not know (a bug, dtype, property or
initializer, with the closest one), ``"*"`` without a field, a check whose test function
the suite does not have, and (when
the run collects the whole suite) a check that names no collected test, parameters
included, are usage errors (exit code 4) before any test runs, each with the closest
valid name (``difflib``). A ``match`` that no failure message of its check could ever
contain is not detected: the messages are the suite's and the adapter's, open-ended; such
an entry shows as "unmatched" or "not reached" after the run.

During the run, a failure or error of a declared check is reported as a *known
deviation* (pytest's xfail: it does not fail the run, and the report shows it with its
reason). Every other failure fails the run. After the run, a declared entry whose
checks all *passed* is **stale**: it fails the run too (``--allow-stale-deviations``
only warns), so that the list cannot rot. A declared check that names no check of the
suite is a usage error before any test runs. ``--ignore-known-deviations`` drops the
adapter's list (a port's own view of everything it fails).
"""

from __future__ import annotations

import ast
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class DeviationError(ValueError):
    """A declaration that cannot be used (reported as a usage error)."""


#: The fields an entry may select a failure by (its values: :func:`_known`).
SELECTORS = ("cause", "dtype", "property", "initializer")


@dataclass
class Deviation:
    check: str  # the declared pattern
    reason: str
    source: str  # "adapter" or the file's path
    match: str | None = None  # regex the failure's exception must match (re.search)
    #: field -> the values it accepts (the failure's or its test's): see SELECTORS
    select: dict[str, tuple[str, ...]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # node ids it excused
    passed: list[str] = field(default_factory=list)  # node ids it matched that passed
    other: list[str] = field(default_factory=list)  # node ids it matched, failing otherwise
    #: the entries of the same declaration (same reason, match and source): one cause
    siblings: list[Deviation] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self):
        self._regex = re.compile(".*".join(map(re.escape, self.check.split("*"))))

    def matches(self, nodeid: str, test: dict | None = None) -> bool:
        """Whether the entry is for the test ``nodeid``, whose ``test`` fields (``property``,
        ``initializer``; unknown: ``None``) its selectors of a test must accept."""
        if not (self._regex.fullmatch(nodeid) or self._regex.fullmatch(test_id(nodeid))):
            return False
        return test is None or all(
            test.get(key) in self.select[key]
            for key in ("property", "initializer")
            if key in self.select
        )

    def excuses(self, error: BaseException) -> bool:
        """Whether this entry excuses ``error``, a failure of a check it matches: its
        ``match`` finds the exception's text, and its selectors of a failure accept the
        failure's fields (a failure without them, an adapter's own error, is not excused
        by a ``cause`` or ``dtype``)."""
        fields = getattr(error, "fields", {})
        if "dtype" in self.select and fields.get("dtype") not in self.select["dtype"]:
            return False
        if "cause" in self.select and not set(fields.get("bugs", ())) & set(self.select["cause"]):
            return False
        return self.match is None or bool(re.search(self.match, f"{type(error).__name__}: {error}"))

    @property
    def says(self) -> str:
        """What the entry excuses, in words: its ``match`` and its selectors of a failure."""
        parts = [f"match {self.match!r}"] if self.match is not None else []
        parts += [
            f"{key} {' or '.join(self.select[key])}"
            for key in ("cause", "dtype")
            if key in self.select
        ]
        return " and ".join(parts) or "entry"

    @property
    def status(self) -> str:
        """``applied`` (it excused a failure), ``unmatched`` (its checks failed, but not as
        ``match`` says), ``stale`` (its checks passed, and so did every other check of the
        same declaration: the cause is gone), ``not reached`` (its checks passed, but the
        same declaration excused a failure elsewhere: the cause is still there, and this
        run's examples did not meet it here, e.g. a rank-1 shape the quick profile did not
        draw) or ``not run``."""
        if self.failed:
            return "applied"
        if self.other:
            return "unmatched"
        if self.passed:
            return "not reached" if any(s.failed for s in self.siblings) else "stale"
        return "not run"

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "reason": self.reason,
            "source": self.source,
            "match": self.match,
            **{key: list(values) for key, values in self.select.items()},
            **({"label": _bug_label(self.select["cause"][0])} if "cause" in self.select else {}),
            "status": self.status,
            "failed": sorted(self.failed),
            "passed": sorted(self.passed),
        }


def _bug_label(key: str) -> str:
    from initializer_conformance.reference.bugs import BUGS

    return BUGS[key].label


def test_id(nodeid: str) -> str:
    """``conformance/test_law.py::test_law[he_normal]`` -> ``test_law[he_normal]``."""
    return nodeid.rsplit("::", 1)[-1]


#: The keys of a narrowed entry (``{"reason": ..., "match": ...}``): the schema above.
ENTRY_KEYS = ("reason", "match", *SELECTORS)


def _known(key: str) -> tuple[str, ...]:
    """The values a selector may take: the catalogue's bugs, the floating and integer
    dtypes, the suite's properties, the spec's initializers."""
    from initializer_conformance.conformance import properties
    from initializer_conformance.reference import dtypes
    from initializer_conformance.reference.bugs import BUGS
    from initializer_conformance.reference.registry import NAMES

    return {
        "cause": tuple(BUGS),
        "dtype": (*dtypes.FLOATS, *dtypes.INTS),
        "property": tuple(p.name for p in properties.ORDER),
        "initializer": NAMES,
    }[key]


def _selectors(value: dict, check: str, source: str) -> dict[str, tuple[str, ...]]:
    """An entry's selectors as tuples of known values; :class:`DeviationError` otherwise."""
    select = {}
    for key in SELECTORS:
        if key not in value:
            continue
        given = value[key] if isinstance(value[key], list) else [value[key]]
        for one in given:
            if one not in _known(key):
                raise DeviationError(
                    f"{source}: {check!r}: {key} {one!r} is not one the suite knows"
                    f"{_did_you_mean(str(one), _known(key))}"
                )
        select[key] = tuple(given)
    if check.strip() == "*" and not select:
        raise DeviationError(
            f"{source}: '*' (every test) needs a field to say which failures it is for: "
            f"{', '.join(SELECTORS)}"
        )
    return select


def _did_you_mean(word: str, choices) -> str:
    """`` (did you mean 'match'?)``, or ``""`` if nothing in ``choices`` is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validate(mapping, source: str) -> list[Deviation]:
    """The entries of one declaration, the adapter's ``known_deviations`` or a TOML file's
    table (the schema of the module docstring); :class:`DeviationError` on anything else."""
    return _entries(mapping, source)


def _entries(mapping, source: str) -> list[Deviation]:
    if not isinstance(mapping, dict):
        raise DeviationError(
            f"{source}: known deviations must map a check to a reason, got {type(mapping).__name__}"
        )
    entries = []
    for check, values in mapping.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                unknown = [key for key in value if key not in ENTRY_KEYS]
                if unknown:
                    raise DeviationError(
                        f"{source}: {check!r}: unknown key {unknown[0]!r}"
                        f"{_did_you_mean(str(unknown[0]), ENTRY_KEYS)}; an entry is a reason, "
                        f'or {{"reason": ..., "match": REGEX}} with any of the fields '
                        f"{', '.join(SELECTORS)} (each optional)"
                    )
            reason, match = (
                (value.get("reason"), value.get("match"))
                if isinstance(value, dict)
                else (value, None)
            )
            if not (
                isinstance(check, str)
                and check.strip()
                and isinstance(reason, str)
                and reason.strip()
                and (match is None or isinstance(match, str))
            ):
                raise DeviationError(
                    f"{source}: each known deviation needs a check and a non-empty reason "
                    f"(string), and `match` if any a string: {check!r}"
                )
            try:
                re.compile(match or "")
            except re.error as error:
                raise DeviationError(f"{source}: {check!r}: match is no regex: {error}") from None
            select = _selectors(value if isinstance(value, dict) else {}, check, source)
            entries.append(Deviation(check, reason, source, match, select=select))
    return entries


def declared(adapter, path: str | None, ignore_adapter: bool) -> list[Deviation]:
    """The adapter's ``known_deviations`` (unless ignored) and those of the file at ``path``."""
    entries = (
        []
        if ignore_adapter
        else validate(getattr(adapter, "known_deviations", None) or {}, "adapter.known_deviations")
    )
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise DeviationError(f"--known-deviations: cannot read {path}: {error}") from None
        except tomllib.TOMLDecodeError as error:
            raise DeviationError(f"--known-deviations: {path} is not TOML: {error}") from None
        entries += validate(data, path)
    declarations: dict[tuple, list[Deviation]] = {}
    for entry in entries:
        key = (entry.reason, entry.match, entry.source, tuple(sorted(entry.select.items())))
        declarations.setdefault(key, []).append(entry)
    for group in declarations.values():
        for entry in group:
            entry.siblings = group
    return entries


def check_names(entries: list[Deviation], functions: list[str]) -> None:
    """Every entry names one of the suite's test ``functions`` (``test_law[...]``); else
    :class:`DeviationError`, before any test runs. Parameters are checked after the run:
    an entry that matched no check that ran is reported as "not run"."""

    def function_of(entry: Deviation) -> Deviation:
        return Deviation(test_id(entry.check).split("[")[0], "", "")

    unknown = [e for e in entries if not any(function_of(e).matches(f) for f in functions)]
    if unknown:
        raise DeviationError(
            "known deviations name no check of the suite: "
            + "; ".join(
                f"{e.check!r} ({e.source})"
                + _did_you_mean(test_id(e.check).split("[")[0], functions)
                for e in unknown
            )
            + f". A check is a test id such as 'test_law[he_normal]' ('*' matches anything); "
            f"the suite's checks are {', '.join(sorted(functions))}"
        )


def check_parameters(entries: list[Deviation], nodeids: list[str]) -> str | None:
    """``None`` if every entry matches a check of ``nodeids`` (the whole suite, collected),
    else the usage error's message: each entry that names no check, with the closest test
    id of its function."""
    ids = sorted({test_id(n) for n in nodeids})
    unknown = [e for e in entries if not any(e.matches(n) for n in nodeids)]
    if not unknown:
        return None

    def one(e: Deviation) -> str:
        function = test_id(e.check).split("[")[0]
        same = [i for i in ids if i.split("[")[0] == function]
        return f"{e.check!r} ({e.source}){_did_you_mean(test_id(e.check), same)}"

    return (
        "known deviations name no check of the suite: "
        + "; ".join(map(one, unknown))
        + ". A check is a test id as `pytest --collect-only -q` shows it ('*' matches anything)"
    )


def suite_functions(directory: Path) -> list[str]:
    """The names of the test functions in ``directory/test_*.py``, read without importing."""
    return [
        node.name
        for path in sorted(directory.glob("test_*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def excusing(
    entries: list[Deviation], nodeid: str, error: BaseException | None, test: dict | None = None
) -> list[int]:
    """The indices of the entries that together excuse the failure ``error`` of the check
    ``nodeid`` (each of its exceptions, when it is a group), a test of the ``test``
    fields (:data:`TEST_FIELDS`); ``[]`` if they do not."""
    candidates = [(i, e) for i, e in enumerate(entries) if e.matches(nodeid, test)]
    errors = error.exceptions if isinstance(error, BaseExceptionGroup) else [error]
    used = []
    for one in errors:
        index = next((i for i, e in candidates if one is None or e.excuses(one)), None)
        if index is None:
            return []
        used.append(index)
    return sorted(set(used))


#: The key, in a report's ``user_properties``, of the indices of the entries that excused it.
EXCUSED_BY = "known_deviations"


#: The key, in a report's ``user_properties``, of its test's fields (``property``,
#: ``initializer``) that a deviation's selectors read.
TEST_FIELDS = "conformance_test"


def record(entries: list[Deviation], report) -> None:
    """Note, for the entries matching a call report, whether it passed, was excused by
    them, or failed otherwise."""
    excused = dict(report.user_properties).get(EXCUSED_BY, [])
    test = dict(report.user_properties).get(TEST_FIELDS)
    for index, entry in enumerate(entries):
        if not entry.matches(report.nodeid, test):
            continue
        if report.passed:
            entry.passed.append(report.nodeid)
        elif index in excused:
            entry.failed.append(report.nodeid)
        elif report.failed:
            entry.other.append(report.nodeid)
