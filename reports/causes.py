"""Causes of the failures of a run, as a reader wants them: named, grouped, and ordered.

Every failure (a test that failed, errored, or is a declared known deviation; each
failure of a check where Hypothesis found several) has one *cause*: the reason of the
known deviation that excused it, else the first likely cause the diagnosis fitted
(``findings[*].causes``), else the exception of the failure. :func:`label` gives a cause
a short name for matrix cells ("untruncated", "fans rank 0/1", "rectangular eye",
"dtype", ...); :func:`groups` gathers a run's failures by cause, the most severe first
(a wrong law before an API detail; new failures before known deviations).
"""

from __future__ import annotations

import re

from initializer_conformance.conformance import properties

#: Short labels, first match wins, tried on the lower-cased cause text.
LABELS = (
    (r"\buntruncated\b|normal where a truncated", "untruncated"),
    (r"fan_in and fan_out swapped|fans swapped", "fans swapped"),
    (r"\(out, in, \*k\) layout", "fans layout"),
    (r"receptive field", "receptive field"),
    (
        r"rank 0 and 1|fewer than 2 dimensions|[01]-dimensional|at least 2 dimensional|rank-1",
        "fans rank 0/1",
    ),
    (r"0\.8796", "0.8796 missing"),
    (r"mode '\w+' used", "fan mode"),
    (r"fan_avg", "fan_avg"),
    (r"factor 3|limit sqrt", "uniform limit"),
    (r"uniform law where|normal law where", "wrong family"),
    (r"absolute units|output's std", "truncation"),
    (r"4 candidates|outside the truncation", "truncation leak"),
    (r"integer eye|turns an integer", "dtype"),
    (
        r"identity.*(square|rectangular)|eye_?\b.*square|square or not|non-square|eye\(rows, cols\)",
        "rectangular eye",
    ),
    (r"float16/bfloat16|16-bit", "16-bit draws"),
    (r"float16", "no float16"),
    (
        r"float32 precision|computed in float32|in float32|through float32|into float32",
        "float32 precision",
    ),
    (r"seed", "seeding"),
    (r"'truncated_normal'|'untruncated_normal'|distribution '", "distribution names"),
    (r"scale > 0|scale <= 0", "scale ≤ 0"),
    (r"not valueerror|with an assert", "wrong exception"),
    (r"integer dtype|dtype|int32|int64|floating", "dtype"),
    (r"default", "another default"),
    (r"invalid input accepted|accepts|accepted", "accepts invalid"),
    (r"timeout|took longer", "timeout"),
    (r"memory", "memory"),
)

_FITS = re.compile(r"\s*\(the sample fits .*\)$")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


#: The label of a failure no catalogued bug explains (never the name of its check).
NO_CAUSE = "no catalogued cause"


def short(cause: str) -> str:
    """A likely cause without its fit statistics: ``untruncated normal where ...``."""
    return _FITS.sub("", cause)


def label(text: str, fallback: str = "other") -> str:
    """The short name of a cause: ``"untruncated"``, ``"fans rank 0/1"``, ..."""
    lower = text.lower()
    for pattern, name in LABELS:
        if re.search(pattern, lower):
            return name
    return fallback


def severity(prop: str) -> int:
    """The rank of a property (``conformance/properties.py``: a wrong law first)."""
    return properties.severity(prop)


def failing_finding(findings) -> dict | None:
    for finding in findings or ():
        if not finding.get("passed", True):
            return finding
    return None


def _split(test: dict, reasons) -> list[dict]:
    """A test without ``failures`` as its failures: one, or, when its deviation joins
    several declared ``reasons`` ("a; b": Hypothesis found several failures, each excused
    by its own entry), one per reason, the findings going to the reason they explain."""
    whole = {
        "message": test.get("message") or "",
        "exception": test.get("exception"),
        "deviation": test.get("deviation"),
        "findings": test.get("findings", []),
    }
    deviation = test.get("deviation") or ""
    parts = [r for r in (reasons or ()) if r and r in deviation]
    if len(parts) < 2 or "; ".join(sorted(parts, key=deviation.index)) != deviation:
        return [whole]
    parts.sort(key=deviation.index)
    finding = failing_finding(test.get("findings"))
    cause = label(
        short((finding or {}).get("causes", [""])[0] if finding and finding.get("causes") else ""),
        "",
    )
    owner = next((r for r in parts if cause and label(r) == cause), None)
    return [
        {**whole, "deviation": r, "findings": whole["findings"] if r == owner else []}
        for r in parts
    ]


def failures(test: dict, reasons=None) -> list[dict]:
    """The failures of a test that did not pass: one per failure Hypothesis reported
    (``test["failures"]``, when there were several), else the test itself (split by
    declared ``reasons``, see :func:`_split`). Each: ``{message, exception, deviation,
    findings, finding, cause, causes, label, index, new}``."""
    if test["outcome"] not in ("fail", "error", "known-deviation"):
        return []
    parts = test.get("failures") or _split(test, reasons)
    out = []
    for index, part in enumerate(parts):
        finding = failing_finding(part.get("findings"))
        bugs = (finding or {}).get("bugs") or []
        # a bug of the catalogue is one cause, whatever each check saw of it (its detail)
        causes = [b["cause"] for b in bugs] or [short(c) for c in (finding or {}).get("causes", [])]
        message = (part.get("message") or "").strip()
        first_line = _ADDRESS.sub("", message.split("\n")[0])
        if part.get("deviation"):
            cause = part["deviation"]
        elif causes:
            cause = causes[0]
        elif finding is not None:
            cause = f"{finding['title']} (no likely cause fitted)"
        else:
            cause = first_line or test["property"]
        name = bugs[0]["label"] if bugs and not part.get("deviation") else label(cause, "")
        if not name and finding is None:
            name = label(first_line, "")
        if not name:  # an error names its exception; a failure without a fit says so
            exception = part.get("exception") or test.get("exception")
            name = exception if exception and exception != "AssertionError" else NO_CAUSE
        out.append(
            {
                **part,
                "finding": finding,
                "cause": cause,
                "causes": causes,
                "label": name,
                "index": index,
                "of": len(parts),
                "new": test["outcome"] != "known-deviation",
            }
        )
    return out


def reasons_of(data: dict) -> set[str]:
    return {d["reason"] for d in data.get("deviations") or ()}


def labels(tests, reasons=None) -> list[str]:
    """The distinct cause labels of ``tests``' failures, most severe first."""
    seen: dict[str, int] = {}
    for test in tests:
        for failure in failures(test, reasons):
            rank = severity(test["property"])
            seen[failure["label"]] = min(seen.get(failure["label"], rank), rank)
    return sorted(seen, key=lambda name: (seen[name], name))


def groups(tests, reasons=None) -> list[dict]:
    """The failures of ``tests`` grouped by cause, most severe first:
    ``[{cause, label, new, severity, items: [(test, failure)], properties, initializers}]``.
    New failures (fail, error) come before known deviations; within each, a group's
    severity is that of its most severe property, then its size."""
    found: dict[tuple, dict] = {}
    for test in tests:
        for failure in failures(test, reasons):
            key = (failure["new"], failure["cause"])
            group = found.setdefault(
                key,
                {
                    "cause": failure["cause"],
                    "label": failure["label"],
                    "new": failure["new"],
                    "severity": severity(test["property"]),
                    "items": [],
                    "properties": [],
                    "initializers": [],
                    "alternatives": failure["causes"][1:],
                },
            )
            group["severity"] = min(group["severity"], severity(test["property"]))
            group["items"].append((test, failure))
            for key_, value in (
                ("properties", test["property"]),
                ("initializers", test["initializer"]),
            ):
                if value not in group[key_]:
                    group[key_].append(value)
    ordered = sorted(
        found.values(), key=lambda g: (not g["new"], g["severity"], -len(g["items"]), g["cause"])
    )
    for group in ordered:
        group["items"].sort(key=lambda item: severity(item[0]["property"]))
    return ordered


def deviation_groups(data: dict) -> list[dict]:
    """The declared known deviations grouped by reason, one row per reason:
    ``[{reason, label, status, checks: [check], failed: [nodeid], passed: [nodeid],
    sources: [source]}]`` (status: the worst of its entries: stale, unmatched, not run,
    applied, not reached), in the order the reasons are first declared."""
    rank = {"stale": 0, "unmatched": 1, "not run": 2, "applied": 3, "not reached": 4}
    rows: dict[str, dict] = {}
    for d in data.get("deviations") or ():
        row = rows.setdefault(
            d["reason"],
            {
                "reason": d["reason"],
                "label": d.get("label") or label(d["reason"]),  # a declared cause's own
                "status": d["status"],
                "checks": [],
                "failed": [],
                "passed": [],
                "sources": [],
                "statuses": {},
            },
        )
        if d["check"] not in row["checks"]:
            row["checks"].append(d["check"])
        row["failed"] += [n for n in d.get("failed", []) if n not in row["failed"]]
        row["passed"] += [n for n in d.get("passed", []) if n not in row["passed"]]
        if d["source"] not in row["sources"]:
            row["sources"].append(d["source"])
        row["statuses"][d["status"]] = row["statuses"].get(d["status"], 0) + 1
        if rank.get(d["status"], 9) < rank.get(row["status"], 9):
            row["status"] = d["status"]
    tests = {t["nodeid"]: t for t in data.get("tests", ())}
    for row in rows.values():
        row["by_function"] = by_function(row["failed"])
        if row["label"] == "other":  # the reason says nothing we know: the evidence may
            for nodeid in row["failed"]:
                finding = failing_finding(tests.get(nodeid, {}).get("findings"))
                if finding and finding.get("causes"):
                    row["label"] = label(short(finding["causes"][0]))
                    break
    return list(rows.values())


def by_function(nodeids) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(function, [(parameter, nodeid)])]``: ``test_law[he_normal]`` and
    ``test_law[glorot_normal]`` as ``test_law``: he_normal, glorot_normal (compact lists)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for nodeid in nodeids:
        name = nodeid.rsplit("::", 1)[-1]
        function, _, param = name.partition("[")
        out.setdefault(function, []).append((param[:-1] if param else "", nodeid))
    return list(out.items())
