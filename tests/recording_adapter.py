"""The reference, recording every call it serves (``tests/test_calibration.py``): one JSON
line ``[identifier, config, shape, dtype]`` per call, appended to ``$RECORD_CALLS``."""

import json
import os

from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class Recording(ReferenceAdapter):
    name = "recording"

    def make(self, identifier, config):
        init = super().make(identifier, config)

        def call(shape, dtype=None):
            with open(os.environ["RECORD_CALLS"], "a") as log:
                log.write(json.dumps([identifier, config, list(shape), str(dtype)]) + "\n")
            return init(shape, dtype)

        return call
