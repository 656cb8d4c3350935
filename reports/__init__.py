"""Conformance reports: a results file (JSON) and a self-contained HTML page per run,
and a cross-framework index (``python -m initializer_conformance.reports merge reports/*.json -o reports/index.html``).

* :mod:`reports.plugin`: the pytest plugin the suite registers (options, hooks).
* :mod:`reports.results`: the results schema (``schema.json``), build, load, merge.
* :mod:`reports.render`: the HTML pages (Jinja2 templates in ``templates/``).
* :mod:`reports.plots`: the plots of a finding (matplotlib).

Generated pages also live in this directory by default (``reports/NAME.html``).
"""

from .results import SCHEMA

__all__ = ["SCHEMA"]
