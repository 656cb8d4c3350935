"""The Markdown summary of a run, for CI: ``--report-summary PATH`` and
``$GITHUB_STEP_SUMMARY`` (a GitHub Actions job summary), or
``python -m initializer_conformance.reports summary RESULTS.json``.

Short on purpose: the verdict, the counts, failures grouped by cause, the known
deviations grouped by reason (one line each), the unsupported checks, and the report's
file names. The page has the rest.
"""

from __future__ import annotations

from . import causes, results

#: At most this many checks are named per cause or reason (the rest are counted).
MAX_CHECKS = 8


def _md(text: str) -> str:
    """``text`` safe inside a Markdown table cell or list item (one line, no markup)."""
    text = " ".join(str(text).split())
    for char in "\\|*_`<>[]":
        text = text.replace(char, "\\" + char)
    return text


def _checks(nodeids) -> str:
    names = [n.rsplit("::", 1)[-1] for n in nodeids]
    shown = ", ".join(f"`{n.replace('`', '')}`" for n in names[:MAX_CHECKS])
    return shown + (f" and {len(names) - MAX_CHECKS} more" if len(names) > MAX_CHECKS else "")


def markdown(data: dict, files=()) -> str:
    """The summary of the results ``data``; ``files``: the report's paths, as shown."""
    a, counts = data["adapter"], data["totals"]
    text, css = results.headline(data)
    icon = {"pass": "✅", "known-deviation": "☑️", "fail": "❌", "error": "⚠️"}.get(css, "")
    lines = [
        f"### {icon} {_md(a['name'])}: {_md(text)}",
        "",
        f"{_md(a['description'])} · edition {data['edition']} · seed {data['seed']} · "
        f"profile {data['profile']} · {_md(data['suite']['name'])} "
        f"{_md(data['suite']['version'])}",
        "",
        "| passed | failures | errors | known deviations | unsupported | skipped |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {counts['pass']} | {counts['fail']} | {counts['error']} | "
        f"{counts['known-deviation']} | {counts['unsupported']} | {counts['skipped']} |",
        "",
    ]
    reasons = causes.reasons_of(data)
    new = [g for g in causes.groups(data["tests"], reasons) if g["new"]]
    if new:
        total = sum(len(g["items"]) for g in new)
        lines += [
            f"**Failures: {total}, {len(new)} cause{'s' * (len(new) != 1)}** (most severe first)",
            "",
        ]
        for g in new:
            lines.append(
                f"- **{_md(g['label'])}** ({len(g['items'])}): {_md(g['cause'])}: "
                + _checks(t["nodeid"] for t, _ in g["items"])
            )
        lines.append("")
    rows = causes.deviation_groups(data)
    if rows:
        checks = counts["known-deviation"]
        lines += [
            f"**Known deviations: {checks} check{'s' * (checks != 1)}, "
            f"{len(rows)} reason{'s' * (len(rows) != 1)}**",
            "",
            "| cause | reason | checks | status |",
            "|---|---|---|---|",
        ]
        for r in rows:
            status = r["status"] if r["status"] != "stale" else "**stale: remove it**"
            lines.append(
                f"| {_md(r['label'])} | {_md(r['reason'])} | {len(r['failed'])}: "
                f"{_checks(r['failed'] or r['passed'])} | {status} |"
            )
        lines.append("")
    unsupported = [t["nodeid"] for t in data["tests"] if t["outcome"] == "unsupported"]
    if unsupported:
        lines += [
            f"**Unsupported** ({len(unsupported)}, NotImplementedError: not a pass): "
            + _checks(unsupported),
            "",
        ]
    if files:
        lines += ["Report: " + ", ".join(f"`{f}`" for f in files), ""]
    return "\n".join(lines)
