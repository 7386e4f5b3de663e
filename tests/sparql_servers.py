"""Real SPARQL servers for the tests: the Oxigraph server and Virtuoso on free loopback ports.

Both are started from scratch in a temporary directory and stopped afterwards. A server
that is not installed makes the tests fail (``scripts/setup.sh`` installs both).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.serve import oxigraph_binary
from policykg.queries.remote import Endpoint


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, seconds: float, log: Path | None) -> None:
    deadline = time.monotonic() + seconds
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise AssertionError(f"server exited with {proc.returncode}: {text}")
        try:
            with urllib.request.urlopen(f"{url}?{query}", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server at {url} not ready after {seconds} s")


@dataclass
class Server:
    """A running server process and the endpoint (URLs, credentials) to reach it."""

    name: str
    directory: Path
    port: int
    proc: subprocess.Popen | None = None
    extra: dict = field(default_factory=dict)

    def endpoint(self, graph: str | None = None, **kwargs) -> Endpoint:
        raise NotImplementedError

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Stop cleanly (SIGTERM), or kill after 20 s."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class OxigraphServer(Server):
    """``oxigraph serve`` (read-write) on a store directory."""

    def start(self) -> OxigraphServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        log = self.directory.parent / f"{self.directory.name}.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    oxigraph_binary(),
                    "serve",
                    "--location",
                    str(self.directory),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_ready(f"http://127.0.0.1:{self.port}/query", self.proc, 30, log)
        return self

    def endpoint(self, graph: str | None = None, **kwargs) -> Endpoint:
        base = f"http://127.0.0.1:{self.port}"
        extra = {"graph": graph} if graph else {}
        kwargs.setdefault("gsp_url", f"{base}/store")
        return Endpoint(f"{base}/query", update_url=f"{base}/update", **extra, **kwargs)


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0
[Parameters]
ServerPort           = 127.0.0.1:{isql}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., {d}
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
ThreadsPerQuery      = 1
AsyncQueueMaxThreads = 10
[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 120
"""


class VirtuosoServer(Server):
    """Debian's ``virtuoso-t`` with a fresh database; updates through ``/sparql-auth`` as dba."""

    def start(self) -> VirtuosoServer:
        binary = shutil.which("virtuoso-t")
        assert binary, "Virtuoso is not installed: run scripts/setup.sh (virtuoso-opensource)"
        self.directory.mkdir(parents=True, exist_ok=True)
        isql = self.extra.setdefault("isql", free_port())
        ini = self.directory / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(d=self.directory, isql=isql, http=self.port))
        log = self.directory / "stdout.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [binary, "+foreground", "+configfile", str(ini)],
                cwd=self.directory,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_ready(f"http://127.0.0.1:{self.port}/sparql", self.proc, 90, log)
        return self

    def endpoint(self, graph: str | None = None, **kwargs) -> Endpoint:
        base = f"http://127.0.0.1:{self.port}"
        extra = {"graph": graph} if graph else {}
        kwargs.setdefault("gsp_url", f"{base}/sparql-graph-crud-auth")
        kwargs.setdefault("user", "dba")
        kwargs.setdefault("password", "dba")
        return Endpoint(
            f"{base}/sparql",
            update_url=f"{base}/sparql-auth",
            auth="digest",
            **extra,
            **kwargs,
        )
