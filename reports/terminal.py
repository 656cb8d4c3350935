"""The terminal's account of a run: failures grouped by cause, one line per failed check,
and one verdict line.

By default (no ``-v``, no ``--tb``, no ``-r``) the report plugin replaces pytest's
tracebacks and its "short test summary" with these lines: a failure's block is what the
suite's message says (law, observation, tests, likely cause, case, call, reproduce) and
the line of the check that failed, without Hypothesis's notes or the check's source;
``-v`` or ``--tb=long`` give pytest's whole account back. The words are the report's
(``results.headline``, ``causes.groups``): a *check* is one test id, a *failure* a check
that failed or raised and no known deviation excuses, a *known deviation* an excused one,
*unsupported* a check the adapter declined (NotImplementedError).
"""

from __future__ import annotations

from initializer_conformance.conformance.deviations import test_id as check_id

from . import causes, results

#: Failures shown as a whole block per cause; the others of the cause get one line each.
BLOCKS_PER_CAUSE = 2


def message_of(failure: dict) -> str:
    """A failure's message without the exception's name when it is an assertion (the
    suite's own words), with it otherwise (``RuntimeError: ...`` says what broke)."""
    return (failure.get("message") or "").strip().removeprefix("AssertionError: ")


def reason(failure: dict) -> str:
    """A failure in one line: its message's first line."""
    first = message_of(failure).split("\n", 1)[0].strip()
    return first or failure.get("exception") or "failed"


def verdict_line(data: dict) -> str:
    text, _ = results.headline(data)
    return f"verdict: {data['adapter']['name']}: {text}"


def block(test: dict, failure: dict) -> list[str]:
    """One failure: its check, its message, where the check failed, and how to reproduce
    it (the suite's messages carry their reproduce line; an error's does not)."""
    lines = message_of(failure).split("\n")
    at = failure.get("at") or test.get("at")
    out = [f"{check_id(test['nodeid'])}: {lines[0]}"]
    out += [f"  {line.strip()}" if not line.startswith(" ") else line for line in lines[1:]]
    if at:  # before the case, which ends the suite's messages
        case = next((i for i, line in enumerate(out) if line.strip().startswith("case:")), None)
        out.insert(len(out) if case is None else case, f"  at:       {at}")
    if test.get("reproduce") and not any("reproduce:" in line for line in lines):
        out.append(f"  reproduce: {test['reproduce']}")
    return out


def failure_lines(data: dict) -> list[str]:
    """The run's failures grouped by cause, most severe first (the page's groups)."""
    groups = [g for g in causes.groups(data["tests"], causes.reasons_of(data)) if g["new"]]
    out: list[str] = []
    for number, group in enumerate(groups, 1):
        count = len(group["items"])
        out += [
            "",
            f"cause {number} of {len(groups)}: {group['cause']} "
            f"({count} failure{'s' * (count != 1)}: {', '.join(group['initializers'])})",
        ]
        for test, failure in group["items"][:BLOCKS_PER_CAUSE]:
            out += ["", *(f"  {line}" for line in block(test, failure))]
        rest = group["items"][BLOCKS_PER_CAUSE:]
        if rest:
            out += ["", f"  and {len(rest)} more of this cause (-v shows each in full):"]
            out += [f"    {check_id(t['nodeid'])}: {reason(f)}" for t, f in rest]
    return out


def failed_lines(data: dict) -> list[str]:
    """``FAILED test_law[he_normal] - [law] he_normal: ...``: one line per failed check."""
    out = []
    for test in data["tests"]:
        if test["outcome"] in ("fail", "error"):
            word = "FAILED" if test["outcome"] == "fail" else "ERROR"
            parts = causes.failures(test, causes.reasons_of(data))
            out.append(f"{word} {check_id(test['nodeid'])} - {reason(parts[0] if parts else test)}")
    return out
