"""SQLite and PostgreSQL set up for the store: timeouts, write locks, where the SQLite file lives."""

from __future__ import annotations

import os
import select
import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Every wait on the database is bounded, so a visitor gets a message within 5 s, never a spinner:
# the pool's check of a kept connection and a fresh connect each wait at most DATABASE_SILENCE_S.
DATABASE_SILENCE_S = 2.0  # the longest a call waits for the database to say anything
SQLITE_BUSY_TIMEOUT_MS = 3_000  # forty posters queue for a few ms each; a writer stuck longer is a fault
STATEMENT_TIMEOUT_MS = 4_000  # PostgreSQL ends a statement that runs longer (a lock held by a stuck session)
POOL_WAIT_S = 3  # a caller waits this long for one of the pool's connections
# create_engine options for a server process: 10 connections kept open and 5 more at a peak; forty
# posters at once queue for them, which beats opening a PostgreSQL connection per post (measured in
# benchmarks/board_load.py); a check after an idle spell (a PostgreSQL server restarted overnight).
ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 5, "pool_timeout": POOL_WAIT_S}
# libpq's own bounds (connect, and TCP keepalives so a vanished host is noticed); a stopped server's
# kernel still acknowledges packets, so the wait callback installed by BoardStore does the rest.
POSTGRES_CONNECT_ARGS = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,
    "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
}

# --- SQLite: WAL, busy timeout, BEGIN IMMEDIATE for writes -----------------------------------


_PREPARED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def prepare_sqlite(engine: Engine) -> None:
    """Per connection: WAL and a busy timeout; our own BEGIN (IMMEDIATE for writes). Once per engine."""
    if engine in _PREPARED_ENGINES:
        return
    _PREPARED_ENGINES.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the driver's implicit BEGIN is replaced by ours
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode; a crash loses at most the last post
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        write = connection.get_execution_options().get("board_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    engine.dispose()  # connections made before the listeners would lack them


def bounded_wait(connection, silence_s: float | None = None) -> None:
    """psycopg2's wait callback: libpq without blocking, and a database that says nothing for
    silence_s (DATABASE_SILENCE_S) raises OperationalError instead of waiting for ever. A stopped
    server's kernel still acknowledges every packet, so no socket option can notice it."""
    import psycopg2
    from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE

    limit = DATABASE_SILENCE_S if silence_s is None else silence_s
    while True:
        state = connection.poll()
        if state == POLL_OK:
            return
        reading = state == POLL_READ
        if not reading and state != POLL_WRITE:
            raise psycopg2.OperationalError(f"unexpected state {state} while waiting for the database")
        ready = select.select(
            [connection.fileno()] if reading else [], [] if reading else [connection.fileno()], [], limit
        )
        if not (ready[0] or ready[1]):
            raise psycopg2.OperationalError(f"the database said nothing for {limit:g} s")


def prepare_postgres(engine: Engine) -> None:
    """Bounded waits for psycopg2 (a process-wide setting of the driver: every wait gets a limit)."""
    if engine.dialect.driver != "psycopg2":
        return
    from psycopg2 import extensions

    if extensions.get_wait_callback() is None:
        extensions.set_wait_callback(bounded_wait)


def engine_options(url: str) -> dict[str, Any]:
    """create_engine options for the board's database at url: the pool, and bounded waits."""
    backend = sa.make_url(url).get_backend_name()
    if backend == "postgresql":
        return {**ENGINE_OPTIONS, "connect_args": dict(POSTGRES_CONNECT_ARGS)}
    if backend == "sqlite":
        return {**ENGINE_OPTIONS, "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return dict(ENGINE_OPTIONS)


def unavailable_reason(error: Exception) -> str:
    text = str(getattr(error, "orig", error)).lower()
    if any(word in text for word in ("full", "no space", "could not extend", "quota")):
        return "it is full"
    if "locked" in text or isinstance(error, sa.exc.TimeoutError):
        return "it is busy"
    return "it does not answer"


# --- The SQLite file's place: a private data folder outside the source tree ------------------


def data_folder(environ: dict[str, str] | None = None) -> Path:
    """NNLIB_DATA_DIR, else $XDG_DATA_HOME/nnlib, else ~/.local/share/nnlib."""
    environ = os.environ if environ is None else environ
    if environ.get("NNLIB_DATA_DIR"):
        return Path(environ["NNLIB_DATA_DIR"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "nnlib"


def private_board_file(folder: Path) -> Path:
    """folder/board.sqlite, the folder made 0700 and the file 0600 (nicknames and hashed
    addresses are nobody else's business on a shared machine); SQLite gives its -wal and -shm
    files the database file's mode."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / "board.sqlite"
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)
    return path
