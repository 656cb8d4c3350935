"""Suite runs started from a preloaded process: a fork instead of a fresh interpreter.

A fresh ``python -m pytest conformance ...`` spends about 2.5 s importing NumPy, SciPy's
statistics (1.2 s of it writing the distributions' docstrings) and pytest before its first
test: the project's tests start over a hundred such runs (every mutant, every broken
adapter), minutes of CI. A *preloaded* process (``python -m benchmarks.preloaded``) has
imported those three once, and forks a child per run. The child becomes what the fresh
interpreter would have been: the run's environment, working directory, ``sys.path`` and
``sys.argv``, standard streams to files, fresh seeds for ``random`` and NumPy's global
state, then ``python -m pytest ARGS`` (``runpy``) and a normal interpreter exit.

Only libraries that pytest never rewrites are preloaded: neither hypothesis nor any pytest
plugin (their asserts are rewritten at import, as in a fresh run), nor this project.
Linux only (``fork``); elsewhere, and for the benchmarks that time a run, fresh processes.

Protocol, one JSON object a line: the client writes ``{"args", "env", "cwd", "out",
"err"}`` on the server's stdin; the server answers ``{"pid"}`` at once and
``{"returncode"}`` when the child has ended. A server runs one child at a time; a client
keeps a pool of idle servers, one per thread that runs suites at once.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

PRELOAD = ("numpy", "scipy.stats", "pytest")


def _become_run(request: dict) -> None:
    """In the forked child: turn into ``python -m pytest ARGS`` as ``request`` asks (no return)."""
    import random
    import runpy

    import numpy as np

    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    for fd, path, flags in (
        (0, os.devnull, os.O_RDONLY),
        (1, request["out"], os.O_WRONLY),
        (2, request["err"], os.O_WRONLY),
    ):
        target = os.open(path, flags)
        os.dup2(target, fd)
        os.close(target)
    # sys.path as `python -m` builds it: the working directory, PYTHONPATH, the rest.
    python_path = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [request["cwd"], *python_path, *BASE_PATH]
    random.seed()  # a fresh process seeds these from the system's entropy
    np.random.seed()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["pytest", *request["args"]]
    runpy.run_module("pytest", run_name="__main__", alter_sys=True)  # raises SystemExit


def serve() -> None:
    """The server's loop: one request a line on stdin, until it closes."""
    for module in PRELOAD:
        __import__(module)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _become_run(request)
            except SystemExit:
                raise  # the run's own exit: the interpreter ends as a fresh one would
            except BaseException:
                traceback.print_exc()
                os._exit(1)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


class Server:
    """One preloaded process, and the runs it forks (one at a time)."""

    def __init__(self, root: Path):
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.preloaded"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.answers = self.process.stdout.fileno()  # read unbuffered: select() sees it all
        self.buffer = b""

    def _answer(self, timeout: float | None) -> dict | None:
        """The server's next line, or ``None`` after ``timeout`` seconds without one."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.answers], [], [], left)[0]:
                return None
            chunk = os.read(self.answers, 4096)
            if not chunk:
                raise RuntimeError(f"the preloaded process ended ({self.process.wait()})")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def run(
        self, argv: list[str], env: dict, cwd: Path, timeout: float
    ) -> subprocess.CompletedProcess:
        """``subprocess.run(argv, capture_output=True, text=True, ...)``, from a fork."""
        if argv[:3] != [sys.executable, "-m", "pytest"]:
            raise ValueError(f"not a `python -m pytest` command: {argv[:3]}")
        with tempfile.TemporaryDirectory() as tmp:
            out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
            out.touch()
            err.touch()
            request = {
                "args": argv[3:],
                "env": env,
                "cwd": str(cwd),
                "out": str(out),
                "err": str(err),
            }
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            pid = self._answer(None)["pid"]
            done = self._answer(timeout)
            if done is None:
                os.kill(pid, signal.SIGKILL)
                self._answer(None)
                raise subprocess.TimeoutExpired(argv, timeout, out.read_text(), err.read_text())
            return subprocess.CompletedProcess(
                argv, done["returncode"], out.read_text(), err.read_text()
            )

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


class Pool:
    """Idle servers, taken by a run and given back after it; a new one when none is idle."""

    def __init__(self, root: Path):
        self.root = root
        self.idle: list[Server] = []
        self.lock = threading.Lock()

    def run(self, argv: list[str], env: dict, cwd: Path, timeout: float):
        with self.lock:
            server = self.idle.pop() if self.idle else Server(self.root)
        try:
            return server.run(argv, env, cwd, timeout)
        finally:
            if server.process.poll() is None:  # alive: it serves the next run
                with self.lock:
                    self.idle.append(server)

    def close(self) -> None:
        for server in self.idle:
            server.close()


#: ``sys.path`` beyond the working directory and PYTHONPATH: the interpreter's own.
BASE_PATH = [p for p in sys.path[1:] if p not in os.environ.get("PYTHONPATH", "").split(os.pathsep)]

if __name__ == "__main__":
    serve()
