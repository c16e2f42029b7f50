"""A throw-away PostgreSQL server for the tests and benchmarks: Debian's binaries, a temp folder, a free port.

    server = start_postgres()          # None when PostgreSQL is not installed
    url = server.new_database("t1")    # postgresql+psycopg2://postgres@127.0.0.1:PORT/t1
    stop_postgres(server)

PostgreSQL refuses to run as root, so as root the data folder is given to the ``postgres``
user and ``initdb``/``pg_ctl`` run as that user (``runuser``). Trust authentication on the
loopback address only: the server lives as long as the test session and holds nothing real.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devtools.live import descendants

SERVER_USER = "postgres"


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (newest installed version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def why_unavailable() -> str | None:
    """None when a server can be started here, else the reason (for pytest.skip)."""
    if postgres_bin() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' user to run PostgreSQL as"
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (pip install psycopg2-binary)"
    return None


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """Creates an empty database; returns its SQLAlchemy URL."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=SERVER_USER, dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')  # name comes from the test itself, never from input
        connection.close()
        return self.url(name)


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_postgres(max_connections: int = 120) -> PostgresServer | None:
    """initdb into a temp folder and start on a free loopback port; None if PostgreSQL is missing.
    A throwaway server: nothing is synced to disk (initdb --no-sync, fsync off)."""
    if why_unavailable():
        return None
    bin_dir = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="nnlib-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    run = dict(check=True, capture_output=True, text=True, cwd=folder)
    subprocess.run(
        _as_server_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        **run,
    )
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
        f"-c max_connections={max_connections} -c fsync=off -c shared_buffers=32MB"
    )
    subprocess.run(
        _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"])
        + ["start"],
        **run,
    )
    return PostgresServer(folder, port, bin_dir)


def stop_postgres(server: PostgresServer) -> None:
    """Stops the server at once (no shutdown checkpoint: its folder is removed right after) and
    removes its folder; a second call does nothing."""
    if not server.folder.exists():
        return
    subprocess.run(
        _as_server_user(
            [str(server.bin / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "-w", "stop"]
        ),
        capture_output=True,
        cwd=server.folder,
    )
    shutil.rmtree(server.folder, ignore_errors=True)


def server_processes(server: PostgresServer) -> list[int]:
    """The postmaster (from its postmaster.pid) and every backend and helper under it."""
    postmaster = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])
    return [postmaster, *descendants(postmaster)]


@contextmanager
def frozen(server: PostgresServer) -> Iterator[None]:
    """The server hung (SIGSTOP to all its processes) inside the block, running again (SIGCONT) after it."""
    stopped = server_processes(server)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in stopped + [p for p in server_processes(server) if p not in stopped]:
            os.kill(pid, signal.SIGCONT)
