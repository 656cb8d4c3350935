"""Objects that are not usable adapters, each for one reason (``tests/test_suite_cli.py``)."""


class _Named:
    name = "bad"

    def version(self):
        return "bad 0"


class NeedsArguments(_Named):
    def __init__(self, device):
        self.device = device

    def make(self, identifier, config):
        raise NotImplementedError


class RaisesInConstructor(_Named):
    def __init__(self):
        raise RuntimeError("no device")

    def make(self, identifier, config):
        raise NotImplementedError


class WrongMake(_Named):
    def make(self, identifier):
        raise NotImplementedError


class NotAnAdapter:
    name = "not-an-adapter"

    def make(self, identifier, config):
        raise NotImplementedError
