"""Serve the current build with the Oxigraph server: read-only, on 127.0.0.1, with the
browser query editor, until Ctrl-C.

The server is the ``oxigraph`` executable of the PyPI package ``oxigraph`` (the same 0.5
storage format as pyoxigraph, which wrote the build), opened read-only on the build's store,
with the default graph as the union of the named graphs, as ``policykg`` queries it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from policykg.ontology.errors import PolicyKGError

DEFAULT_PORT = 7878


class ServerFailed(PolicyKGError):
    """The SPARQL server could not be started."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable beside this Python (a virtualenv), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise ServerFailed(
            "the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' "
            "(scripts/setup.sh installs it)"
        )
    return found


def serve_build(
    store_dir: Path, port: int = DEFAULT_PORT, *, on_ready: Callable[[str], None] = print
) -> None:
    """Run the server on ``store_dir`` until Ctrl-C (or SIGINT); calls ``on_ready(url)``."""
    command = [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(store_dir),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    # Ctrl-C and SIGTERM both stop the server cleanly, even where a shell started us
    # with SIGINT ignored (a background job)
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            _wait_listening(proc, port, log)
            on_ready(f"http://127.0.0.1:{port}/")
            proc.wait()
            raise _failed(proc, port, log)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(proc)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _wait_listening(proc: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise _failed(proc, port, log)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServerFailed(f"the Oxigraph server did not listen on 127.0.0.1:{port} within 30 s")


def _failed(proc: subprocess.Popen, port: int, log) -> ServerFailed:
    log.seek(0)
    text = " ".join(log.read().decode("utf-8", "replace").split())[-500:]
    return ServerFailed(
        f"the Oxigraph server stopped (exit {proc.returncode}): {text or 'no message'}; "
        f"if port {port} is taken, choose another with --port"
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
