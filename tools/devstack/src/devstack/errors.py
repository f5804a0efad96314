"""The one base class the CLI reports as a readable failure instead of a traceback."""


class DevstackError(RuntimeError):
    pass
