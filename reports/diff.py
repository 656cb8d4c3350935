"""What changed between two results files:
``python -m initializer_conformance.reports diff OLD.json NEW.json``.

Tests are matched by node id. A *regression* is a check that fails or errors in NEW
and did not in OLD (a new failure), or one that is unsupported in NEW and was supported
in OLD (newly unsupported). Also listed, not regressions unless ``--strict``: checks
that are now known deviations (newly excused), known deviations whose reason changed,
declared deviations that are stale in NEW. And, for information: fixed checks (failing
or deviating in OLD, passing in NEW), checks only in one file.

Exit status: 0 no regression, 1 regressions (with ``--strict``: also deviation
changes), 2 a file cannot be read.
"""

from __future__ import annotations

from . import causes

BAD = ("fail", "error")
SECTIONS = (  # key, title, a regression?
    ("new_failures", "New failures", True),
    ("newly_unsupported", "Newly unsupported", True),
    ("newly_deviating", "Newly known deviations", False),
    ("changed_deviations", "Known deviations with a changed reason", False),
    ("stale_deviations", "Stale known deviations (their checks pass: remove them)", False),
    ("fixed", "Fixed", False),
    ("added", "Only in NEW", False),
    ("removed", "Only in OLD", False),
)


def _reason(test: dict) -> str:
    return test.get("deviation") or ""


def compare(old: dict, new: dict) -> dict:
    """``{section: [{nodeid, old, new, detail}]}`` for each of :data:`SECTIONS`."""
    before = {t["nodeid"]: t for t in old["tests"]}
    after = {t["nodeid"]: t for t in new["tests"]}
    out = {key: [] for key, _, _ in SECTIONS}
    reasons = causes.reasons_of(new)

    def item(nodeid, detail=""):
        o, n = before.get(nodeid), after.get(nodeid)
        return {
            "nodeid": nodeid,
            "old": o["outcome"] if o else None,
            "new": n["outcome"] if n else None,
            "detail": detail,
        }

    for nodeid, n in after.items():
        o = before.get(nodeid)
        if o is None:
            out["added"].append(item(nodeid))
            continue
        if n["outcome"] in BAD and o["outcome"] not in BAD:
            failure = (causes.failures(n, reasons) or [{}])[0]
            out["new_failures"].append(item(nodeid, failure.get("cause", "")))
        elif n["outcome"] == "unsupported" and o["outcome"] not in ("unsupported", "skipped"):
            out["newly_unsupported"].append(item(nodeid, n.get("message", "")))
        elif n["outcome"] == "known-deviation" and o["outcome"] != "known-deviation":
            out["newly_deviating"].append(item(nodeid, _reason(n)))
        elif n["outcome"] == "known-deviation" and _reason(n) != _reason(o):
            out["changed_deviations"].append(item(nodeid, f"{_reason(o)} -> {_reason(n)}"))
        elif n["outcome"] == "pass" and o["outcome"] in (*BAD, "known-deviation"):
            out["fixed"].append(item(nodeid))
    out["removed"] = [item(nodeid) for nodeid in before if nodeid not in after]
    old_stale = {
        (d["check"], d["reason"]) for d in old.get("deviations") or () if d["status"] == "stale"
    }
    for d in new.get("deviations") or ():
        if d["status"] == "stale":
            out["stale_deviations"].append(
                {
                    "nodeid": d["check"],
                    "old": "stale" if (d["check"], d["reason"]) in old_stale else None,
                    "new": "stale",
                    "detail": d["reason"],
                }
            )
    return out


def regressions(changes: dict, strict: bool = False) -> int:
    keys = [
        key
        for key, _, bad in SECTIONS
        if bad or (strict and key in ("newly_deviating", "changed_deviations", "stale_deviations"))
    ]
    return sum(len(changes[key]) for key in keys)


def _who(data: dict) -> str:
    a = data["adapter"]
    return (
        f"{a['name']} ({a['version']}), edition {data['edition']}, seed {data['seed']}, "
        f"profile {data['profile']}, {data['started']}"
    )


def text(old: dict, new: dict, changes: dict, strict: bool = False) -> str:
    """The changes as Markdown (it reads as plain text too)."""
    count = regressions(changes, strict)
    lines = [
        f"### conformance diff: {count} regression{'s' * (count != 1)}",
        "",
        f"- OLD: {_who(old)}",
        f"- NEW: {_who(new)}",
        "",
    ]
    changed = False
    for key, title, bad in SECTIONS:
        entries = changes[key]
        if not entries:
            continue
        changed = True
        lines.append(
            f"**{title}** ({len(entries)})"
            + (
                " — regression"
                if bad
                or (strict and key in ("newly_deviating", "changed_deviations", "stale_deviations"))
                else ""
            )
        )
        for e in entries:
            arrow = f"{e['old'] or '—'} → {e['new'] or '—'}"
            detail = " ".join(str(e["detail"]).split())
            detail = detail if len(detail) <= 200 else detail[:199] + "…"
            lines.append(
                f"- `{e['nodeid'].rsplit('::', 1)[-1]}` {arrow}" + (f": {detail}" if detail else "")
            )
        lines.append("")
    if not changed:
        lines.append("No change in any check's outcome.")
    return "\n".join(lines).rstrip() + "\n"
