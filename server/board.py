"""The class board's store: boards, their entries, join codes and teacher secrets, in SQL.

A teacher creates a board and gets two things: a short **join code** for the class (8 Crockford
base32 characters = 40 random bits, shown as ``ABCD-EFGH``; ``I L O U`` never appear, and typing
them is forgiven as ``1 1 0 V``-style look-alikes) and a **teacher secret** (192 random bits) that
only the teacher link carries. The store keeps a SHA-256 of the secret, never the secret, and checks
it with ``hmac.compare_digest`` (constant time). A board is found by its code only, lives
``Limits.lifetime`` (7 days), and holds at most ``Limits.max_entries`` entries.

The store takes a SQLAlchemy engine and speaks SQLAlchemy Core only (every value a bound
parameter), so it behaves the same on SQLite and PostgreSQL:

- **SQLite**: WAL journal (readers never block the writer), a 30 s busy timeout, and every write
  transaction opened with ``BEGIN IMMEDIATE`` — a deferred transaction that reads and then writes
  can fail with "database is locked" at once, without waiting. So forty concurrent posters queue
  for a few milliseconds each, and several server processes on one host share one file.
- **PostgreSQL**: the board's row is locked (``SELECT … FOR UPDATE``) while a post checks the limits,
  so two posts never both take the last place.

Rate limits are kept in the database (not in a process's memory), so they hold across replicas:
join attempts and posts per session per minute, boards created per session per hour.

Every failure a visitor can cause raises a :class:`BoardError` whose ``template`` is an English
sentence with ``{placeholders}`` (the page translates it); a database that is down or full raises
:class:`StoreUnavailable`. Nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import select
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 2
COMPONENT = "class-board"  # this store's row in schema_version (the table may be shared)

# Crockford's base32: digits and letters without I, L, O, U (no 1/I/L, 0/O confusion, no accidental words).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 8 × 5 bits = 40 bits
CODE_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SECRET_BYTES = 24  # 192 bits
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
SEAT_MODEL_MAX_BYTES = 8 * 2**20  # a seat keeps models up to this size (the ten-digit preset's is ~0.6 MB)
NICKNAME_MAX_CHARS = 12_000  # a 10 kB name comes back whole; longer is refused (nickname_problem says 12,000)

metadata = sa.MetaData()
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("component", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
boards = sa.Table(
    "boards",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("creator", sa.String(64), nullable=False, index=True),  # hashed session id
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("revision", sa.Integer, nullable=False, default=0),  # +1 at every change a viewer would see
    sa.Column("max_entries", sa.Integer, nullable=True),  # the teacher's cap; None: Limits.max_entries
    sa.Column("per_address", sa.Integer, nullable=True),  # the teacher's cap; None: Limits.entries_per_address
    sa.Column("creator_address", sa.String(64), nullable=True, index=True),  # hashed client address
)
entries = sa.Table(
    "board_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("board_id", sa.Integer, sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("poster", sa.String(64), nullable=False, index=True),  # hashed session id
    sa.Column("nickname", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON object
    sa.Column("hidden_sizes", sa.String(200), nullable=False),  # "64,32"
    sa.Column("accuracy", sa.Float, nullable=False),
    sa.Column("train_seconds", sa.Float, nullable=False),
    sa.Column("parameters", sa.BigInteger, nullable=False),
    sa.Column("parameter_bytes", sa.BigInteger, nullable=False),
    sa.Column("posted_at", sa.Float, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("address", sa.String(64), nullable=True, index=True),  # hashed client address
    sa.Column("request", sa.String(64), nullable=True),  # the page's id for this post: a retry adds nothing
    sa.UniqueConstraint("board_id", "poster", "request", name="uq_board_entries_request"),
)
join_attempts = sa.Table(
    "board_join_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("address", sa.String(64), nullable=True, index=True),  # hashed client address
)
seats = sa.Table(
    "board_seats",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("board_id", sa.Integer, sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("model", sa.LargeBinary, nullable=True),  # the student's latest model (nnlib.modelio .npz bytes)
    sa.Column("saved_at", sa.Float, nullable=False),
)
# Version 1 → 2: the columns above marked "address", "revision", caps and "request".
MIGRATION_2 = (
    "ALTER TABLE boards ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE boards ADD COLUMN max_entries INTEGER",
    "ALTER TABLE boards ADD COLUMN per_address INTEGER",
    "ALTER TABLE boards ADD COLUMN creator_address VARCHAR(64)",
    "ALTER TABLE board_entries ADD COLUMN address VARCHAR(64)",
    "ALTER TABLE board_entries ADD COLUMN request VARCHAR(64)",
    "CREATE UNIQUE INDEX uq_board_entries_request ON board_entries (board_id, poster, request)",
    "CREATE INDEX ix_board_entries_address ON board_entries (address)",
    "ALTER TABLE board_join_attempts ADD COLUMN address VARCHAR(64)",
    "CREATE INDEX ix_board_join_attempts_address ON board_join_attempts (address)",
    "CREATE INDEX ix_boards_creator_address ON boards (creator_address)",
)


# --- Errors: English templates the page translates -----------------------------------------


class BoardError(Exception):
    """Something the visitor can fix or wait out; template + values make the message."""

    template = "The class board cannot do that."

    def __init__(self, **values: Any):
        self.values = values
        super().__init__(self.template.format(**values))


class BoardNotFound(BoardError):
    template = "No class board has this code. Check the code with your teacher (boards end after {days} days)."


class NotTeacher(BoardError):
    template = "This teacher link is not valid for this board."


class BoardLocked(BoardError):
    template = "The teacher has locked this board: no more posts."


class BoardFull(BoardError):
    template = "This board is full ({limit} entries)."


class AddressFull(BoardError):
    template = (
        "This board takes at most {limit} entries from one network address. "
        "If the whole class shares one address, the teacher can raise this."
    )


class RateLimited(BoardError):
    template = "Too many tries. Wait {seconds} s and try again."


class InvalidEntry(BoardError):
    template = "This cannot be posted: {problem}."


class StoreUnavailable(BoardError):
    """The database is down, unreachable, busy beyond the timeout or full."""

    template = "The class board's database is not available right now ({reason}). The rest of the app works."


# --- Values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Sessions are free to make, so every per-session limit has a per-address one beside it.

    A class behind one school router shares one address: the per-address numbers leave room for
    a class of 40, and the teacher can raise a board's caps (up to highest_cap). Hidden entries
    do not count towards a board's cap, but do count towards their address's share.
    """

    lifetime_s: float = 7 * 24 * 3600
    max_entries: int = 200  # shown entries per board, unless its teacher raised it
    entries_per_address: int = 40  # entries per board from one client address, unless raised
    highest_cap: int = 2000  # the most a teacher may raise either cap to
    posts_per_minute: int = 3  # per session
    address_posts_per_minute: int = 40  # per client address, on all boards
    joins_per_minute: int = 10  # per session, right or wrong codes alike
    address_joins_per_minute: int = 60  # per client address
    boards_per_hour: int = 5  # per session
    address_boards_per_hour: int = 10  # per client address


@dataclass(frozen=True)
class Board:
    id: int
    code: str  # canonical, without the dash
    created_at: float
    expires_at: float
    locked: bool
    revision: int = 0  # grows at every change a viewer would see
    max_entries: int = Limits.max_entries  # this board's caps (the teacher's, else the defaults)
    entries_per_address: int = Limits.entries_per_address

    @property
    def shown_code(self) -> str:
        return format_code(self.code)


@dataclass(frozen=True)
class NewBoard:
    board: Board
    teacher_secret: str  # returned once, to the teacher; only its hash is stored


@dataclass(frozen=True)
class RunSummary:
    """What a post carries, all measured by the app: never typed in.

    settings: the run's TrainConfig fields a class compares (JSON-able scalars and lists).
    hidden_sizes: the hidden layers, e.g. (64, 32). accuracy in [0, 1].
    """

    settings: dict[str, Any]
    hidden_sizes: tuple[int, ...]
    accuracy: float
    train_seconds: float
    parameters: int
    parameter_bytes: int

    def problems(self) -> list[str]:
        found = []
        if not self.hidden_sizes or any(int(h) < 1 for h in self.hidden_sizes):
            found.append("hidden sizes must be positive")
        if not (math.isfinite(self.accuracy) and 0 <= self.accuracy <= 1):
            found.append("accuracy must be between 0 and 1")
        if not (math.isfinite(self.train_seconds) and self.train_seconds >= 0):
            found.append("training time must be a positive number")
        if self.parameters < 0 or self.parameter_bytes < 0:
            found.append("sizes must be positive")
        return found


@dataclass(frozen=True)
class Entry:
    id: int
    nickname: str
    settings: dict[str, Any]
    hidden_sizes: tuple[int, ...]
    accuracy: float
    train_seconds: float
    parameters: int
    parameter_bytes: int
    posted_at: float
    hidden: bool = False

    @property
    def hidden_total(self) -> int:
        """All hidden neurons: the x of the class's curves."""
        return sum(self.hidden_sizes)


# --- Codes and secrets ---------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """A typed or linked code in canonical form ('abcd-efgh ' → 'ABCDEFGH'), or None if it cannot be one."""
    if not isinstance(typed, str) or len(typed) > 4 * CODE_LENGTH:
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -_\t").translate(CODE_LOOK_ALIKES)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def secret_hash(secret: str) -> str:
    """SHA-256 of a secret: 192 random bits need no slow hash, and the store never holds the secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def session_key(session_id: str) -> str:
    """A session id as stored (hashed: the database never holds a live session id)."""
    return hashlib.sha256(f"nnlib-board:{session_id}".encode()).hexdigest()


def address_key(address: str | None) -> str | None:
    """A client address as stored (hashed, like session ids); None when the page could not tell."""
    return None if not address else hashlib.sha256(f"nnlib-address:{address}".encode()).hexdigest()


# Characters that turn the text around them backwards or hide it (Unicode's bidirectional controls).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH_JOINER = "\u200d"


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍🏫): a symbol or modifier before it, a symbol after."""
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return (
        bool(before and after)
        and unicodedata.category(before) in ("So", "Sk", "Mn")
        and unicodedata.category(after) == "So"
    )


def nickname_problem(nickname: str) -> str | None:
    """Why a nickname is refused, or None. Any visible text is kept exactly; control, format
    (zero-width, invisible) and direction-override characters are not visible text."""
    if not isinstance(nickname, str) or not nickname.strip():
        return "the nickname is empty"
    if len(nickname) > NICKNAME_MAX_CHARS:
        return "the nickname is longer than 12,000 characters"
    if any(ch in BIDI_CONTROLS for ch in nickname):
        return "the nickname holds characters that reverse the direction of text"
    for index, ch in enumerate(nickname):
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp"):
            return "the nickname holds control characters"
        if category == "Cf" and not (ch == ZERO_WIDTH_JOINER and _joins_emoji(nickname, index)):
            return "the nickname holds invisible characters"
    return None


# --- SQLite: WAL, busy timeout, BEGIN IMMEDIATE for writes -----------------------------------


_PREPARED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _prepare_sqlite(engine: Engine) -> None:
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


def _prepare_postgres(engine: Engine) -> None:
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


def _unavailable_reason(error: Exception) -> str:
    text = str(getattr(error, "orig", error)).lower()
    if any(word in text for word in ("full", "no space", "could not extend", "quota")):
        return "it is full"
    if "locked" in text or isinstance(error, sa.exc.TimeoutError):
        return "it is busy"
    return "it does not answer"


@dataclass
class BoardStore:
    """The class boards in one database. Thread-safe: every call takes its own connection."""

    engine: Engine
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.time

    def __post_init__(self):
        if self.engine.dialect.name == "sqlite":
            _prepare_sqlite(self.engine)
        if self.engine.dialect.name == "postgresql":
            _prepare_postgres(self.engine)
        with self._guard():
            self._create_schema()

    # -- plumbing

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Database failures become StoreUnavailable (the page shows it; the app goes on)."""
        try:
            yield
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as error:
            raise StoreUnavailable(reason=_unavailable_reason(error)) from error

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._guard(), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guard(), self.engine.connect() as connection:
            connection.execution_options(board_write=True)
            with connection.begin():
                yield connection

    def _create_schema(self) -> None:
        """Tables at version SCHEMA_VERSION; several processes may start at once."""
        with self.engine.connect() as connection:
            connection.execution_options(board_write=True)
            with connection.begin():
                if self.engine.dialect.name == "postgresql":  # one creator at a time across processes
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6E6E6C6962})
                metadata.create_all(connection, checkfirst=True)
                found = connection.execute(
                    sa.select(schema_version.c.version).where(schema_version.c.component == COMPONENT)
                ).scalar()
                if found is None:
                    connection.execute(schema_version.insert().values(component=COMPONENT, version=SCHEMA_VERSION))
                elif found > SCHEMA_VERSION:
                    raise RuntimeError(
                        f"the board database has schema version {found}; this nnlib knows {SCHEMA_VERSION}: "
                        "update nnlib or point NNLIB_BOARD_URL at another database"
                    )
                elif found < 2:
                    for statement in MIGRATION_2:
                        connection.exec_driver_sql(statement)
                    connection.execute(
                        schema_version.update().where(schema_version.c.component == COMPONENT).values(version=2)
                    )

    def schema_version(self) -> int:
        with self._read() as connection:
            return connection.execute(
                sa.select(schema_version.c.version).where(schema_version.c.component == COMPONENT)
            ).scalar_one()

    def _board_row(self, connection: Connection, code: str | None, lock: bool = False):
        if code is None:
            return None
        query = sa.select(boards).where(boards.c.code == code, boards.c.expires_at > self.clock())
        if lock and self.engine.dialect.name != "sqlite":
            query = query.with_for_update()
        return connection.execute(query).mappings().first()

    def _board(self, row) -> Board:
        return Board(
            row["id"],
            row["code"],
            row["created_at"],
            row["expires_at"],
            bool(row["locked"]),
            revision=row["revision"],
            max_entries=row["max_entries"] or self.limits.max_entries,
            entries_per_address=row["per_address"] or self.limits.entries_per_address,
        )

    @staticmethod
    def _changed(connection: Connection, board_id: int) -> None:
        """The board's revision + 1: every viewer's page redraws it."""
        connection.execute(boards.update().where(boards.c.id == board_id).values(revision=boards.c.revision + 1))

    def _not_found(self) -> BoardNotFound:
        return BoardNotFound(days=round(self.limits.lifetime_s / 86400))

    def _count_since(self, connection, column, session: str, since: float, time_column) -> int:
        return connection.execute(
            sa.select(sa.func.count()).select_from(column.table).where(column == session, time_column > since)
        ).scalar_one()

    # -- teacher

    def _rate_limited(self, connection, checks, since: float, seconds: int) -> None:
        """RateLimited when any (column, key, limit) has reached limit since `since`; a None key is skipped."""
        for column, key, limit in checks:
            time_column = next(c for c in column.table.c if c.key in ("at", "created_at", "posted_at"))
            if key is not None and self._count_since(connection, column, key, since, time_column) >= limit:
                raise RateLimited(seconds=seconds)

    def create_board(self, session_id: str, address: str | None = None) -> NewBoard:
        """A new board with a fresh code and teacher secret; at most limits.boards_per_hour per
        session and limits.address_boards_per_hour per client address."""
        creator, from_address = session_key(session_id), address_key(address)
        now = self.clock()
        with self._write() as connection:
            connection.execute(boards.delete().where(boards.c.expires_at <= now))  # expired boards go
            checks = [
                (boards.c.creator, creator, self.limits.boards_per_hour),
                (boards.c.creator_address, from_address, self.limits.address_boards_per_hour),
            ]
            self._rate_limited(connection, checks, now - 3600, 3600)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        for _ in range(5):  # a code already taken (1 in a trillion per board) is drawn again
            code = new_code()
            try:
                with self._write() as connection:
                    board_id = connection.execute(
                        boards.insert().values(
                            code=code,
                            secret_sha256=secret_hash(secret),
                            creator=creator,
                            creator_address=from_address,
                            created_at=now,
                            expires_at=now + self.limits.lifetime_s,
                            locked=False,
                            revision=0,
                        )
                    ).inserted_primary_key[0]
            except StoreUnavailable as error:
                if isinstance(error.__cause__, sa.exc.IntegrityError):
                    continue
                raise
            board = Board(
                board_id,
                code,
                now,
                now + self.limits.lifetime_s,
                False,
                max_entries=self.limits.max_entries,
                entries_per_address=self.limits.entries_per_address,
            )
            return NewBoard(board, secret)
        raise StoreUnavailable(reason="no free code")

    def _teacher_row(self, connection, code: str, secret: str, lock: bool = False):
        row = self._board_row(connection, normalize_code(code), lock=lock)
        if row is None:
            raise self._not_found()
        given = secret_hash(secret if isinstance(secret, str) else "")
        if not hmac.compare_digest(given, row["secret_sha256"]):
            raise NotTeacher()
        return row

    def teacher_board(self, code: str, secret: str) -> Board:
        """The board, if secret is its teacher secret (NotTeacher otherwise)."""
        with self._read() as connection:
            return self._board(self._teacher_row(connection, code, secret))

    def set_hidden(self, code: str, secret: str, entry_id: int, hidden: bool = True) -> None:
        """Hides or shows an entry (doing it twice changes nothing: a retry is safe)."""
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(
                entries.update()
                .where(entries.c.id == int(entry_id), entries.c.board_id == row["id"])
                .values(hidden=bool(hidden))
            )
            self._changed(connection, row["id"])

    def set_locked(self, code: str, secret: str, locked: bool = True) -> None:
        """Locks or unlocks the board (a retry is safe)."""
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(boards.update().where(boards.c.id == row["id"]).values(locked=bool(locked)))
            self._changed(connection, row["id"])

    def set_caps(self, code: str, secret: str, max_entries: int, entries_per_address: int) -> Board:
        """The teacher's caps for this board, each between 1 and limits.highest_cap (a retry is safe)."""

        def bounded(value: int) -> int:
            return max(1, min(int(value), self.limits.highest_cap))

        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(
                boards.update()
                .where(boards.c.id == row["id"])
                .values(max_entries=bounded(max_entries), per_address=bounded(entries_per_address))
            )
            self._changed(connection, row["id"])
        return self.teacher_board(code, secret)

    def delete_board(self, code: str, secret: str) -> None:
        """The board and every entry on it, gone."""
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(entries.delete().where(entries.c.board_id == row["id"]))
            connection.execute(seats.delete().where(seats.c.board_id == row["id"]))
            connection.execute(boards.delete().where(boards.c.id == row["id"]))

    # -- students

    def join(self, code: str, session_id: str, address: str | None = None) -> Board:
        """The board with this code; every attempt counts towards limits.joins_per_minute (per
        session) and limits.address_joins_per_minute (per client address)."""
        session, from_address = session_key(session_id), address_key(address)
        now = self.clock()
        with self._write() as connection:
            checks = [
                (join_attempts.c.session, session, self.limits.joins_per_minute),
                (join_attempts.c.address, from_address, self.limits.address_joins_per_minute),
            ]
            self._rate_limited(connection, checks, now - 60, 60)
            connection.execute(join_attempts.insert().values(session=session, address=from_address, at=now))
            connection.execute(join_attempts.delete().where(join_attempts.c.at < now - 3600))
        return self.find_board(code)

    def find_board(self, code: str) -> Board:
        """The live board with this code (no rate limit: for a session that has already joined)."""
        with self._read() as connection:
            row = self._board_row(connection, normalize_code(code))
        if row is None:
            raise self._not_found()
        return self._board(row)

    # -- seats: a student's place on a board, kept across reloads under a token

    def take_seat(self, code: str) -> str:
        """A new seat on the board; its token (128 random bits, stored hashed) goes in the student's
        address bar. Seats end with their board. Called after join, so join's limits bound them."""
        token = secrets.token_urlsafe(16)
        with self._write() as connection:
            row = self._board_row(connection, normalize_code(code))
            if row is None:
                raise self._not_found()
            connection.execute(
                seats.insert().values(token_sha256=secret_hash(token), board_id=row["id"], saved_at=self.clock())
            )
        return token

    def _seat_where(self, connection, code: str, token: str):
        row = self._board_row(connection, normalize_code(code))
        if row is None:
            raise self._not_found()
        return sa.and_(seats.c.token_sha256 == secret_hash(str(token)), seats.c.board_id == row["id"])

    def save_seat_model(self, code: str, token: str, model: bytes) -> bool:
        """Keeps model (an .npz from nnlib.modelio) in the seat; False when too big or no such seat."""
        if len(model) > SEAT_MODEL_MAX_BYTES:
            return False
        with self._write() as connection:
            where = self._seat_where(connection, code, token)
            done = connection.execute(seats.update().where(where).values(model=model, saved_at=self.clock()))
            return done.rowcount == 1

    def seat_model(self, code: str, token: str) -> bytes | None:
        """The seat's latest model, or None (no model yet; or no such seat: a wrong token finds nothing)."""
        with self._read() as connection:
            return connection.execute(
                sa.select(seats.c.model).where(self._seat_where(connection, code, token))
            ).scalar()

    def has_seat(self, code: str, token: str) -> bool:
        with self._read() as connection:
            where = self._seat_where(connection, code, token)
            return connection.execute(sa.select(sa.func.count()).select_from(seats).where(where)).scalar_one() == 1

    def revision(self, code: str) -> int | None:
        """The board's revision (None when it is gone): one indexed row, cheap enough to ask every 2 s."""
        with self._read() as connection:
            return connection.execute(
                sa.select(boards.c.revision).where(
                    boards.c.code == normalize_code(code), boards.c.expires_at > self.clock()
                )
            ).scalar()

    def post(
        self,
        code: str,
        session_id: str,
        nickname: str,
        run: RunSummary,
        address: str | None = None,
        request: str | None = None,
    ) -> Entry:
        """Adds run under nickname; checks the lock, the board's caps (shown entries; entries from
        this address) and the posts per minute of the session and of the address.

        request: the page's id for this post; posting it again (a retry after a timeout whose
        first try did reach the database) returns the first entry and adds nothing.
        """
        problem = nickname_problem(nickname) or next(iter(run.problems()), None)
        if problem:
            raise InvalidEntry(problem=problem)
        poster, from_address = session_key(session_id), address_key(address)
        values = dict(
            poster=poster,
            nickname=nickname,
            settings=json.dumps(run.settings, sort_keys=True, ensure_ascii=False),
            hidden_sizes=",".join(str(int(h)) for h in run.hidden_sizes),
            accuracy=float(run.accuracy),
            train_seconds=float(run.train_seconds),
            parameters=int(run.parameters),
            parameter_bytes=int(run.parameter_bytes),
            hidden=False,
            address=from_address,
            request=request,
        )
        with self._write() as connection:
            now = self.clock()
            row = self._board_row(connection, normalize_code(code), lock=True)
            if row is None:
                raise self._not_found()
            if request is not None:
                earlier = (
                    connection.execute(
                        sa.select(entries).where(
                            entries.c.board_id == row["id"], entries.c.poster == poster, entries.c.request == request
                        )
                    )
                    .mappings()
                    .first()
                )
                if earlier is not None:
                    return self._entry(earlier)
            if row["locked"]:
                raise BoardLocked()
            self._check_post_limits(connection, self._board(row), poster, from_address, now)
            entry_id = connection.execute(
                entries.insert().values(board_id=row["id"], posted_at=now, **values)
            ).inserted_primary_key[0]
            self._changed(connection, row["id"])
        return self._entry({**values, "id": entry_id, "posted_at": now})

    def _check_post_limits(self, connection, board: Board, poster: str, from_address: str | None, now: float):
        checks = [
            (entries.c.poster, poster, self.limits.posts_per_minute),
            (entries.c.address, from_address, self.limits.address_posts_per_minute),
        ]
        self._rate_limited(connection, checks, now - 60, 60)
        on_board = sa.select(sa.func.count()).select_from(entries).where(entries.c.board_id == board.id)
        if connection.execute(on_board.where(entries.c.hidden == sa.false())).scalar_one() >= board.max_entries:
            raise BoardFull(limit=board.max_entries)
        if from_address is not None:
            mine = connection.execute(on_board.where(entries.c.address == from_address)).scalar_one()
            if mine >= board.entries_per_address:
                raise AddressFull(limit=board.entries_per_address)

    def entries(self, code: str, teacher_secret: str | None = None) -> list[Entry]:
        """The board's entries, oldest first; hidden ones only for its teacher."""
        with self._read() as connection:
            if teacher_secret is not None:
                row = self._teacher_row(connection, code, teacher_secret)
            else:
                row = self._board_row(connection, normalize_code(code))
                if row is None:
                    raise self._not_found()
            query = sa.select(entries).where(entries.c.board_id == row["id"]).order_by(entries.c.id)
            if teacher_secret is None:
                query = query.where(entries.c.hidden == sa.false())
            return [self._entry(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def _entry(row) -> Entry:
        return Entry(
            id=row["id"],
            nickname=row["nickname"],
            settings=json.loads(row["settings"]),
            hidden_sizes=tuple(int(h) for h in row["hidden_sizes"].split(",")),
            accuracy=row["accuracy"],
            train_seconds=row["train_seconds"],
            parameters=row["parameters"],
            parameter_bytes=row["parameter_bytes"],
            posted_at=row["posted_at"],
            hidden=bool(row["hidden"]),
        )


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
