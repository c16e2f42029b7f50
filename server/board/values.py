"""Limits, constants, errors and the values the store hands out (boards, runs, entries)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .codes import format_code

SCHEMA_VERSION = 2
COMPONENT = "class-board"  # this store's row in schema_version (the table may be shared)

SECRET_BYTES = 24  # 192 bits
SEAT_MODEL_MAX_BYTES = 8 * 2**20  # a seat keeps models up to this size (the ten-digit preset's is ~0.6 MB)

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
