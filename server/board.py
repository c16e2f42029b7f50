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
import secrets
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 1
COMPONENT = "class-board"  # this store's row in schema_version (the table may be shared)

# Crockford's base32: digits and letters without I, L, O, U (no 1/I/L, 0/O confusion, no accidental words).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 8 × 5 bits = 40 bits
CODE_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SECRET_BYTES = 24  # 192 bits
SQLITE_BUSY_TIMEOUT_MS = 30_000
# create_engine options for a server process: 10 connections kept open and 5 more at a peak; forty
# posters at once queue for them, which beats opening a PostgreSQL connection per post (measured in
# benchmarks/board_load.py); a check after an idle spell (a PostgreSQL server restarted overnight).
ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 5}
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
)
join_attempts = sa.Table(
    "board_join_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
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
    lifetime_s: float = 7 * 24 * 3600
    max_entries: int = 200
    posts_per_minute: int = 3  # per session
    joins_per_minute: int = 10  # per session, right or wrong codes alike
    boards_per_hour: int = 5  # per session


@dataclass(frozen=True)
class Board:
    id: int
    code: str  # canonical, without the dash
    created_at: float
    expires_at: float
    locked: bool

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


def nickname_problem(nickname: str) -> str | None:
    """Why a nickname is refused, or None. Any text is kept exactly; control characters are not text."""
    if not isinstance(nickname, str) or not nickname.strip():
        return "the nickname is empty"
    if len(nickname) > NICKNAME_MAX_CHARS:
        return "the nickname is longer than 12,000 characters"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in nickname):
        return "the nickname holds control characters"
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
                # found < SCHEMA_VERSION: migrations go here, one step per version.

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

    @staticmethod
    def _board(row) -> Board:
        return Board(row["id"], row["code"], row["created_at"], row["expires_at"], bool(row["locked"]))

    def _not_found(self) -> BoardNotFound:
        return BoardNotFound(days=round(self.limits.lifetime_s / 86400))

    def _count_since(self, connection, column, session: str, since: float, time_column) -> int:
        return connection.execute(
            sa.select(sa.func.count()).select_from(column.table).where(column == session, time_column > since)
        ).scalar_one()

    # -- teacher

    def create_board(self, session_id: str) -> NewBoard:
        """A new board with a fresh code and teacher secret; at most limits.boards_per_hour per session."""
        creator = session_key(session_id)
        now = self.clock()
        with self._write() as connection:
            connection.execute(boards.delete().where(boards.c.expires_at <= now))  # expired boards go
            made = self._count_since(connection, boards.c.creator, creator, now - 3600, boards.c.created_at)
            if made >= self.limits.boards_per_hour:
                raise RateLimited(seconds=3600)
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
                            created_at=now,
                            expires_at=now + self.limits.lifetime_s,
                            locked=False,
                        )
                    ).inserted_primary_key[0]
            except StoreUnavailable as error:
                if isinstance(error.__cause__, sa.exc.IntegrityError):
                    continue
                raise
            return NewBoard(Board(board_id, code, now, now + self.limits.lifetime_s, False), secret)
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
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(
                entries.update()
                .where(entries.c.id == int(entry_id), entries.c.board_id == row["id"])
                .values(hidden=bool(hidden))
            )

    def set_locked(self, code: str, secret: str, locked: bool = True) -> None:
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(boards.update().where(boards.c.id == row["id"]).values(locked=bool(locked)))

    def delete_board(self, code: str, secret: str) -> None:
        """The board and every entry on it, gone."""
        with self._write() as connection:
            row = self._teacher_row(connection, code, secret)
            connection.execute(entries.delete().where(entries.c.board_id == row["id"]))
            connection.execute(boards.delete().where(boards.c.id == row["id"]))

    # -- students

    def join(self, code: str, session_id: str) -> Board:
        """The board with this code; every attempt counts towards limits.joins_per_minute."""
        session = session_key(session_id)
        now = self.clock()
        with self._write() as connection:
            tried = self._count_since(connection, join_attempts.c.session, session, now - 60, join_attempts.c.at)
            if tried >= self.limits.joins_per_minute:
                raise RateLimited(seconds=60)
            connection.execute(join_attempts.insert().values(session=session, at=now))
            connection.execute(join_attempts.delete().where(join_attempts.c.at < now - 3600))
        return self.find_board(code)

    def find_board(self, code: str) -> Board:
        """The live board with this code (no rate limit: for a session that has already joined)."""
        with self._read() as connection:
            row = self._board_row(connection, normalize_code(code))
        if row is None:
            raise self._not_found()
        return self._board(row)

    def post(self, code: str, session_id: str, nickname: str, run: RunSummary) -> Entry:
        """Adds run under nickname; checks lock, the board's size and the session's posts per minute."""
        problem = nickname_problem(nickname) or next(iter(run.problems()), None)
        if problem:
            raise InvalidEntry(problem=problem)
        poster = session_key(session_id)
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
        )
        with self._write() as connection:
            now = self.clock()
            row = self._board_row(connection, normalize_code(code), lock=True)
            if row is None:
                raise self._not_found()
            if row["locked"]:
                raise BoardLocked()
            recent = self._count_since(connection, entries.c.poster, poster, now - 60, entries.c.posted_at)
            if recent >= self.limits.posts_per_minute:
                raise RateLimited(seconds=60)
            count = connection.execute(
                sa.select(sa.func.count()).select_from(entries).where(entries.c.board_id == row["id"])
            ).scalar_one()
            if count >= self.limits.max_entries:
                raise BoardFull(limit=self.limits.max_entries)
            entry_id = connection.execute(
                entries.insert().values(board_id=row["id"], posted_at=now, **values)
            ).inserted_primary_key[0]
        return self._entry({**values, "id": entry_id, "posted_at": now})

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
