"""pytest plugin for the suite runs of the tests (``-p tests.peak_memory``): at exit,
writes the process's own peak resident memory, in bytes, to ``$PEAK_MEMORY_FILE``.

The parent cannot measure it: ``wait4``'s ``ru_maxrss`` of a child includes the parent's
resident memory at the fork (Linux), hundreds of MiB in a test worker that imported
frameworks.
"""

import os
from pathlib import Path

from initializer_conformance.conformance.guard import peak_resident_bytes


def pytest_unconfigure(config):
    Path(os.environ["PEAK_MEMORY_FILE"]).write_text(str(peak_resident_bytes()))
