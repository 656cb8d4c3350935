"""Conformance reports: a results file (JSON) and a self-contained HTML page per run,
and a cross-framework index
(``python -m initializer_conformance.reports merge reports/*.json -o reports/index.html``).

* :mod:`.plugin`: the pytest plugin the suite registers (hooks).
* :mod:`.results`: the results schema (``schema/results-1.json``), build, load, merge.
* :mod:`.render`: the HTML pages (Jinja2 templates in ``templates/``).
* :mod:`.plots`: the plots of a finding (matplotlib).

Generated pages also live in this directory by default (``reports/NAME.html``).
"""

from .results import SCHEMA

__all__ = ["SCHEMA"]
