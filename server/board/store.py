"""BoardStore: the class boards in one database."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .codes import address_key, new_code, nickname_problem, normalize_code, secret_hash, session_key
from .engines import prepare_postgres, prepare_sqlite, unavailable_reason
from .schema import boards, create_schema, entries, entry_from_row, join_attempts, schema_version, seats
from .values import (
    COMPONENT,
    SEAT_MODEL_MAX_BYTES,
    SECRET_BYTES,
    AddressFull,
    Board,
    BoardFull,
    BoardLocked,
    BoardNotFound,
    Entry,
    InvalidEntry,
    Limits,
    NewBoard,
    NotTeacher,
    RateLimited,
    RunSummary,
    StoreUnavailable,
)


@dataclass
class BoardStore:
    """The class boards in one database. Thread-safe: every call takes its own connection."""

    engine: Engine
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.time

    def __post_init__(self):
        if self.engine.dialect.name == "sqlite":
            prepare_sqlite(self.engine)
        if self.engine.dialect.name == "postgresql":
            prepare_postgres(self.engine)
        with self._guard():
            create_schema(self.engine)

    # -- plumbing

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Database failures become StoreUnavailable (the page shows it; the app goes on)."""
        try:
            yield
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as error:
            raise StoreUnavailable(reason=unavailable_reason(error)) from error

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
                    return entry_from_row(earlier)
            if row["locked"]:
                raise BoardLocked()
            self._check_post_limits(connection, self._board(row), poster, from_address, now)
            entry_id = connection.execute(
                entries.insert().values(board_id=row["id"], posted_at=now, **values)
            ).inserted_primary_key[0]
            self._changed(connection, row["id"])
        return entry_from_row({**values, "id": entry_id, "posted_at": now})

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
            return [entry_from_row(r) for r in connection.execute(query).mappings()]
