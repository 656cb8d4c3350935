"""``python -m initializer_conformance.reports merge RESULTS.json ... -o index.html``: the
cross-framework page.

Also ``python -m initializer_conformance.reports render RESULTS.json -o PAGE.html``: a run's
page, again, from its results file (e.g. after editing the templates); ``diff OLD.json NEW.json``: what
changed (exit status 1 on a regression, for CI); ``summary RESULTS.json``: the Markdown
summary of a run (as ``--report-summary`` writes it).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import results

#: The spec's page in a checkout (the index links each initializer to its section).
SPEC = Path(__file__).resolve().parent.parent / "SPEC.md"


def _link(json_path: Path, out_dir: Path) -> str | None:
    page = json_path.with_suffix(".html")
    if not page.exists():
        return None
    return Path(os.path.relpath(page.resolve(), out_dir.resolve())).as_posix()


def merge(args) -> int:
    from . import render

    out = Path(args.output)
    runs = []
    for name in args.results:
        path = Path(name)
        if path.resolve() == out.resolve():
            continue
        try:
            data = results.load(path)
        except results.NotResults as error:  # e.g. another JSON file matched by a glob
            print(f"merge: skipped {error}", file=sys.stderr)
            continue
        runs.append((data, _link(path, out.parent)))
    if not runs:
        print("merge: no results file given", file=sys.stderr)
        return 2
    versions = results.suite_versions(data for data, _ in runs)
    if len(versions) > 1 and not args.mixed_versions:
        print(
            f"merge: the results come from {len(versions)} versions of the suite "
            f"({', '.join(versions)}): their verdicts are not comparable; rerun them on one "
            "version, or pass --mixed-versions to merge them anyway (the page says so)",
            file=sys.stderr,
        )
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    spec = args.spec
    if spec is None and SPEC.exists():  # a checkout: link to its SPEC.md, relatively
        spec = Path(os.path.relpath(SPEC.resolve(), out.parent.resolve())).as_posix()
    out.write_text(render.index_page(results.merge(runs), spec or None), encoding="utf-8")
    print(f"wrote {out} ({len(runs)} run{'s' if len(runs) != 1 else ''})")
    return 0


def render_page(args) -> int:
    from . import render

    data = results.load(args.results)
    out = Path(args.output or Path(args.results).with_suffix(".html"))
    link = os.path.relpath(Path(args.results).resolve(), out.parent.resolve())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render.run_page(data, results_link=link), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def diff(args) -> int:
    from . import diff as compare

    old, new = results.load(args.old), results.load(args.new)
    changes = compare.compare(old, new)
    sys.stdout.write(compare.text(old, new, changes, args.strict))
    return 1 if compare.regressions(changes, args.strict) else 0


def summary(args) -> int:
    from . import summary as markdown

    data = results.load(args.results)
    page = Path(args.results).with_suffix(".html")
    files = [args.results] + ([str(page)] if page.exists() else [])
    sys.stdout.write(markdown.markdown(data, files))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m initializer_conformance.reports",
        description="Conformance reports from results files.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("merge", help="frameworks x initializers page from results files")
    m.add_argument("results", nargs="+", help="results files (reports/*.json)")
    m.add_argument("-o", "--output", default="reports/index.html", help="the page to write")
    m.add_argument(
        "--mixed-versions",
        action="store_true",
        help="merge results of different suite versions (refused by default; the page warns)",
    )
    m.add_argument(
        "--spec",
        default=None,
        metavar="URL",
        help="URL of SPEC.md for the initializers' links (default: the checkout's "
        "SPEC.md, relative to the page, if there is one; '' for no links)",
    )
    m.set_defaults(run=merge)
    r = commands.add_parser("render", help="a run's page from its results file")
    r.add_argument("results", help="a results file")
    r.add_argument("-o", "--output", default=None, help="default: the results file's .html")
    r.set_defaults(run=render_page)
    d = commands.add_parser(
        "diff", help="what changed between two results files (exit status 1 on a regression)"
    )
    d.add_argument("old", help="the results file to compare against (e.g. the last release's)")
    d.add_argument("new", help="the results file of this run")
    d.add_argument(
        "--strict",
        action="store_true",
        help="also count new, changed and stale known deviations as regressions",
    )
    d.set_defaults(run=diff)
    s = commands.add_parser("summary", help="the Markdown summary of a run (for CI)")
    s.add_argument("results", help="a results file")
    s.set_defaults(run=summary)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except results.ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
