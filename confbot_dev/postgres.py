"""A throw-away PostgreSQL cluster: Debian's ``postgresql`` binaries in a temporary directory.

Tests (a session fixture), benchmarks and ``make postgres`` start one with
:class:`ThrowawayCluster`: ``initdb`` into a fresh directory, ``pg_ctl`` listening on
127.0.0.1 on a free port (and a Unix socket inside the directory), a superuser
``confbot`` whose password is a random token (TCP connections must give it: the
same password path as production), and ``--locale=C`` so text sorts byte-wise as in
SQLite. ``initdb`` refuses to run as root, so under root the server runs as the
``postgres`` system user (Debian's package creates it) through ``runuser``.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote

__all__ = ["PostgresMissingError", "ThrowawayCluster", "postgres_bin_dir"]

SUPERUSER = "confbot"
SYSTEM_USER = "postgres"


class PostgresMissingError(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def postgres_bin_dir() -> Path:
    """Return the newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb``.

    :raises PostgresMissingError: Debian's ``postgresql`` package is not installed.
    """
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not found:
        raise PostgresMissingError(
            "PostgreSQL is not installed: run tools/test-deps (Debian's postgresql package)"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ThrowawayCluster:
    """A PostgreSQL server in a temporary directory, removed when stopped."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.password = secrets.token_urlsafe(18)
        self._bin = postgres_bin_dir()
        self._root = Path(tempfile.mkdtemp(prefix="confbot-pg-"))
        self._data = self._root / "data"
        self._as_root = os.geteuid() == 0
        self._started = False

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, database: str = "postgres", *, with_password: bool = True) -> str:
        """Return ``postgresql://confbot[:password]@127.0.0.1:<port>/<database>``."""
        secret = f":{quote(self.password, safe='')}" if with_password else ""
        return f"postgresql://{SUPERUSER}{secret}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str, *, template: str = "template0") -> str:
        """Create the database ``name`` as a copy of ``template``; return its URL."""
        if not name.replace("_", "").isalnum() or not template.replace("_", "").isalnum():
            raise ValueError("database and template names are letters, digits and _")
        self._run(
            "psql", "-h", str(self._root), "-p", str(self.port), "-U", SUPERUSER, "-d", "postgres",
            "-v", "ON_ERROR_STOP=1", "-q", "-c", f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
        )  # fmt: skip
        return self.url(name)

    def _run(self, *argv: str) -> None:
        command = [str(self._bin / argv[0]), *argv[1:]]
        if self._as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603

    def start(self) -> None:
        """Create the cluster and start its server (returns once it accepts connections)."""
        password_file = self._root / "password"
        password_file.write_text(self.password + "\n", encoding="utf-8")
        if self._as_root:
            shutil.chown(self._root, SYSTEM_USER)
            shutil.chown(password_file, SYSTEM_USER)
        self._run(
            "initdb",
            "-D",
            str(self._data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--locale=C",
            "--encoding=UTF8",
        )
        password_file.unlink()
        self._pg_ctl_start()
        self._started = True

    def _pg_ctl_start(self) -> None:
        # A throw-away cluster: no fsync (a crashed server keeps the OS cache; a stopped
        # one must keep every commit, so synchronous_commit stays on).
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self._root}"
            " -c fsync=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        log_file = str(self._root / "log")
        self._run("pg_ctl", "-D", str(self._data), "-o", options, "-w", "-l", log_file, "start")

    def stop(self) -> None:
        """Stop the server at once and remove its directory (idempotent)."""
        if self._started:
            self._started = False
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self._root, ignore_errors=True)

    def stop_server(self) -> None:
        """Stop the server at once, keeping its data: connections drop, new ones are refused."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def start_server(self) -> None:
        """Start the server again on the same port after :meth:`stop_server`."""
        self._pg_ctl_start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m confbot_dev.postgres``: start a cluster, print its URL, stop on Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.parse_args(argv)
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # sigwait below receives them
    with ThrowawayCluster() as cluster:
        print(f"PostgreSQL is running: {cluster.url()}", flush=True)
        print("Put that URL in [storage] database; Ctrl-C stops and removes it.", flush=True)
        signal.sigwait(stop_signals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
