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

from .codes import CODE_ALPHABET, NICKNAME_MAX_CHARS, format_code, nickname_problem, normalize_code
from .engines import ENGINE_OPTIONS, data_folder, engine_options, private_board_file
from .store import BoardStore
from .values import (
    SCHEMA_VERSION,
    AddressFull,
    Board,
    BoardError,
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

__all__ = [
    "AddressFull",
    "Board",
    "BoardError",
    "BoardFull",
    "BoardLocked",
    "BoardNotFound",
    "BoardStore",
    "CODE_ALPHABET",
    "ENGINE_OPTIONS",
    "Entry",
    "InvalidEntry",
    "Limits",
    "NICKNAME_MAX_CHARS",
    "NewBoard",
    "NotTeacher",
    "RateLimited",
    "RunSummary",
    "SCHEMA_VERSION",
    "StoreUnavailable",
    "data_folder",
    "engine_options",
    "format_code",
    "nickname_problem",
    "normalize_code",
    "private_board_file",
]
