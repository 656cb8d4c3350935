"""initializer-conformance: the Keras "Initializers" page as code, and a conformance suite.

The installed distribution is this one namespace; its parts, in the order of the
architecture (each lives in the repository's top-level folder of the same name):

* :mod:`initializer_conformance.reference`: the spec, a NumPy implementation of every
  initializer with the exact law its output must follow;
* :mod:`initializer_conformance.adapters`: how the suite reaches an implementation (the
  built-in framework ports, the reference's own adapter, the mutants);
* :mod:`initializer_conformance.conformance`: the suite (Hypothesis-driven checks);
* :mod:`initializer_conformance.reports`: the results file and HTML pages of a run.

Run it with ``initializer-conformance --impl=NAME`` (:mod:`initializer_conformance.__main__`)
or ``pytest --pyargs initializer_conformance.conformance --impl=NAME``; the pytest plugin
(:mod:`initializer_conformance.plugin`, entry point ``pytest11``) does nothing in a pytest
run without ``--impl``.

PYTEST_DONT_REWRITE: this package module asserts nothing, and ``initializer-conformance``
imports it before pytest starts (pytest would warn that it cannot rewrite it).
"""
