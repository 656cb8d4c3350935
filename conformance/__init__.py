"""The conformance suite: ``pytest conformance --impl=NAME``.

Helpers by concern: ``run`` (the run's state and alpha budget), ``strategies``
(Hypothesis), ``sampling`` (calling the adapter), ``stats`` (statistical tests),
``assertions`` (checks and their messages). The ``test_*.py`` files mirror the
spec's properties.
"""
