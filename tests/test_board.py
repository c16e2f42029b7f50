"""The class board's store on SQLite and on a real PostgreSQL server that this module starts.

PostgreSQL comes from Debian's binaries (devtools/postgres.py): initdb into a temp folder, a free
loopback port, run as the ``postgres`` user when the tests run as root. Without it those cases skip.
"""

from __future__ import annotations

import hmac
import itertools
import json
import multiprocessing
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from devtools.postgres import start_postgres, stop_postgres, why_unavailable
from server import board as board_module
from server.board import (
    CODE_ALPHABET,
    ENGINE_OPTIONS,
    BoardFull,
    BoardLocked,
    BoardNotFound,
    BoardStore,
    InvalidEntry,
    Limits,
    NotTeacher,
    RateLimited,
    RunSummary,
    StoreUnavailable,
    normalize_code,
)

HOSTILE_NICKNAMES = [
    "<script>alert(1)</script>",
    "**bold**",
    "[x](javascript:alert(1))",
    "x" * 10_240,
    "مرحبا بالعالم שלום",  # right-to-left
    "🧠👩‍🏫🇨🇳 学生",
    "Robert'); DROP TABLE boards;--",
    "' OR '1'='1",
    '"; DELETE FROM board_entries; --',
    "\\' ; SELECT pg_sleep(5); --",
    "%s %(x)s :code ?",
    "  spaces kept  ",
]
_counter = itertools.count()


def a_run(hidden=(10,), accuracy=0.95, seconds=1.5) -> RunSummary:
    return RunSummary(
        settings={"digits": [0, 1], "activation": "tanh", "learning_rate": 0.001},
        hidden_sizes=hidden,
        accuracy=accuracy,
        train_seconds=seconds,
        parameters=7862,
        parameter_bytes=62896,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.sqlite'}"
    server = request.getfixturevalue("postgres")
    return server.new_database(f"board_{next(_counter)}_{int(time.time() * 1000) % 10**8}")


@pytest.fixture
def engine(db_url):
    engine = sa.create_engine(db_url, **ENGINE_OPTIONS)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return BoardStore(engine)


def test_schema_is_created_once_and_versioned(engine):
    store = BoardStore(engine)
    again = BoardStore(engine)  # a second process starting on the same database
    assert store.schema_version() == again.schema_version() == board_module.SCHEMA_VERSION
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT component, version FROM schema_version")).all()
    assert rows == [("class-board", board_module.SCHEMA_VERSION)]


def test_a_newer_schema_is_refused_with_a_clear_message(engine):
    BoardStore(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE schema_version SET version = 99"))
    with pytest.raises(RuntimeError, match="schema version 99"):
        BoardStore(engine)


def test_codes_are_40_random_bits_typeable_and_forgiving(store):
    codes = {store.create_board(f"teacher-{i}").board.code for i in range(5)}
    assert len(codes) == 5
    assert len(CODE_ALPHABET) ** len(next(iter(codes))) >= 2**40
    assert all(set(code) <= set(CODE_ALPHABET) and not set(code) & set("ILOU") for code in codes)
    code = next(iter(codes))
    typed = f"  {code[:4].lower()} - {code[4:]} "
    assert store.find_board(typed).code == code
    assert normalize_code("0OIL-1234") == "00111234"  # look-alikes forgiven
    assert normalize_code("ABC") is None and normalize_code("ABCD-EFGU") is None and normalize_code("x" * 999) is None


def test_teacher_secret_is_long_hashed_and_checked_in_constant_time(store, engine, monkeypatch):
    new = store.create_board("teacher")
    assert len(new.teacher_secret) * 6 >= 128  # url-safe base64: 6 bits a character
    with engine.connect() as connection:
        stored = " ".join(str(v) for row in connection.execute(sa.text("SELECT * FROM boards")) for v in row)
    assert new.teacher_secret not in stored
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    assert store.teacher_board(new.board.code, new.teacher_secret).code == new.board.code
    with pytest.raises(NotTeacher):
        wrong_last = "B" if new.teacher_secret.endswith("A") else "A"  # never the secret itself
        store.teacher_board(new.board.code, new.teacher_secret[:-1] + wrong_last)
    with pytest.raises(NotTeacher):
        store.set_locked(new.board.code, "")
    assert len(compared) == 3


@pytest.mark.parametrize("nickname", HOSTILE_NICKNAMES, ids=range(len(HOSTILE_NICKNAMES)))
def test_hostile_nicknames_round_trip_exactly(store, nickname):
    new = store.create_board("teacher")
    posted = store.post(new.board.code, "student", nickname, a_run())
    assert posted.nickname == nickname
    (read,) = store.entries(new.board.code)
    assert read.nickname == nickname and read.accuracy == 0.95 and read.hidden_sizes == (10,)


@pytest.mark.parametrize(
    "code",
    ["' OR '1'='1", "x' OR 1=1 --", "'; DROP TABLE boards; --", "%", "_" * 8, "ABCD%", "ABCD-EFG'"],
)
def test_sql_injection_in_codes_finds_nothing_and_breaks_nothing(store, code):
    new = store.create_board("teacher")
    store.post(new.board.code, "student", "Ann", a_run())
    with pytest.raises(BoardNotFound):
        store.join(code, "attacker")
    with pytest.raises(BoardNotFound):
        store.entries(code)
    with pytest.raises((BoardNotFound, NotTeacher)):
        store.delete_board(code, "' OR '1'='1")
    assert [e.nickname for e in store.entries(new.board.code)] == ["Ann"]


def test_injection_in_a_secret_and_in_settings_is_only_data(store):
    new = store.create_board("teacher")
    with pytest.raises(NotTeacher):
        store.delete_board(new.board.code, "' OR '1'='1' --")
    run = RunSummary({"activation": "'); DROP TABLE board_entries; --"}, (5,), 0.5, 1.0, 10, 80)
    store.post(new.board.code, "student", "Bo", run)
    assert store.entries(new.board.code)[0].settings == run.settings


def test_bad_entries_get_a_clear_message(store):
    code = store.create_board("teacher").board.code
    for nickname, words in (("", "empty"), ("   ", "empty"), ("a\x00b", "control"), ("x" * 20_000, "longer")):
        with pytest.raises(InvalidEntry, match=words):
            store.post(code, "s", nickname, a_run())
    with pytest.raises(InvalidEntry, match="accuracy"):
        store.post(code, "s", "Al", a_run(accuracy=float("nan")))
    assert store.entries(code) == []


def test_a_board_is_invisible_without_its_code(store):
    code = store.create_board("teacher").board.code
    other = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(BoardNotFound):
        store.join(other, "guesser")


def test_join_attempts_are_rate_limited_per_session(engine):
    store = BoardStore(engine, Limits(joins_per_minute=3))
    code = store.create_board("teacher").board.code
    for _ in range(3):
        with pytest.raises(BoardNotFound):
            store.join("AAAA-AAAA", "guesser")
    with pytest.raises(RateLimited):
        store.join(code, "guesser")  # even the right code, once the session has used its tries
    assert store.join(code, "someone else").code == code


def test_posts_per_session_per_minute_and_entries_per_board(engine):
    now = [1_000_000.0]
    store = BoardStore(engine, Limits(posts_per_minute=2, max_entries=3), clock=lambda: now[0])
    code = store.create_board("teacher").board.code
    store.post(code, "a", "A1", a_run())
    store.post(code, "a", "A2", a_run())
    with pytest.raises(RateLimited):
        store.post(code, "a", "A3", a_run())
    now[0] += 61
    store.post(code, "a", "A3", a_run())
    with pytest.raises(BoardFull):
        store.post(code, "b", "B1", a_run())
    assert [e.nickname for e in store.entries(code)] == ["A1", "A2", "A3"]


def test_boards_per_session_per_hour(engine):
    store = BoardStore(engine, Limits(boards_per_hour=2))
    store.create_board("t")
    store.create_board("t")
    with pytest.raises(RateLimited):
        store.create_board("t")


def test_a_board_expires_after_its_lifetime(engine):
    now = [1_000_000.0]
    store = BoardStore(engine, clock=lambda: now[0])
    new = store.create_board("teacher")
    store.post(new.board.code, "s", "Ann", a_run())
    assert new.board.expires_at - new.board.created_at == 7 * 24 * 3600
    now[0] += 7 * 24 * 3600 - 1
    assert store.find_board(new.board.code)
    now[0] += 2
    with pytest.raises(BoardNotFound, match="7 days"):
        store.find_board(new.board.code)
    with pytest.raises(BoardNotFound):
        store.post(new.board.code, "s2", "Late", a_run())
    store.create_board("another teacher")  # creating a board clears the expired ones
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM boards")).scalar() == 1
        assert connection.execute(sa.text("SELECT count(*) FROM board_entries")).scalar() == 0


def test_teacher_hides_locks_and_deletes(store):
    new = store.create_board("teacher")
    code, secret = new.board.code, new.teacher_secret
    first = store.post(code, "s1", "rude word", a_run())
    store.post(code, "s2", "Bo", a_run())
    with pytest.raises(NotTeacher):
        store.set_hidden(code, "not the secret", first.id)
    store.set_hidden(code, secret, first.id)
    assert [e.nickname for e in store.entries(code)] == ["Bo"]
    assert [(e.nickname, e.hidden) for e in store.entries(code, secret)] == [("rude word", True), ("Bo", False)]
    store.set_hidden(code, secret, first.id, hidden=False)
    assert len(store.entries(code)) == 2
    store.set_locked(code, secret)
    assert store.find_board(code).locked
    with pytest.raises(BoardLocked):
        store.post(code, "s3", "Cy", a_run())
    store.set_locked(code, secret, locked=False)
    store.post(code, "s3", "Cy", a_run())
    store.delete_board(code, secret)
    with pytest.raises(BoardNotFound):
        store.entries(code)


def test_hiding_an_entry_of_another_board_does_nothing(store):
    mine, theirs = store.create_board("t1"), store.create_board("t2")
    entry = store.post(theirs.board.code, "s", "Theirs", a_run())
    store.set_hidden(mine.board.code, mine.teacher_secret, entry.id)
    assert [e.nickname for e in store.entries(theirs.board.code)] == ["Theirs"]


def test_a_database_that_is_down_gives_store_unavailable(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        down = f"sqlite:///{tmp_path / 'no such folder' / 'board.sqlite'}"
    else:
        down = sa.make_url(db_url).set(port=1).render_as_string(hide_password=False)
    with pytest.raises(StoreUnavailable, match="does not answer"):
        BoardStore(sa.create_engine(down))


def test_a_postgres_server_that_stops_gives_store_unavailable():
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    try:
        store = BoardStore(sa.create_engine(server.new_database("down_test")))
        code = store.create_board("t").board.code
        store.post(code, "s", "Before", a_run())
        stop_postgres(server)
        with pytest.raises(StoreUnavailable):
            store.entries(code)
        with pytest.raises(StoreUnavailable):
            store.post(code, "s2", "During", a_run())
    finally:
        stop_postgres(server)


def test_a_full_sqlite_database_gives_store_unavailable(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'small.sqlite'}")
    store = BoardStore(engine)
    code = store.create_board("t").board.code

    @sa.event.listens_for(engine, "connect")
    def _tiny(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA max_page_count = 40")

    engine.dispose()
    with pytest.raises(StoreUnavailable, match="full"):
        for number in range(1000):
            store.post(code, f"s{number}", "y" * 10_000, a_run())


# --- Load: 40 sessions post at once ----------------------------------------------------------


def post_together(store: BoardStore, code: str, sessions: int) -> tuple[list[float], list[str]]:
    """sessions threads wait at a barrier, then each posts once; their latencies and errors."""
    barrier = threading.Barrier(sessions)
    latencies, errors = [], []

    def student(number: int):
        barrier.wait()
        started = time.perf_counter()
        try:
            store.post(code, f"session-{number}", f"student {number}", a_run(hidden=(1 + number % 8,)))
            latencies.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            errors.append(repr(error))

    threads = [threading.Thread(target=student, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return latencies, errors


def test_forty_sessions_post_at_once_nothing_lost(engine):
    store = BoardStore(engine)
    code = store.create_board("teacher").board.code
    started = time.perf_counter()
    latencies, errors = post_together(store, code, 40)
    elapsed = time.perf_counter() - started
    assert errors == []
    assert elapsed < 10  # the scenario: 40 posts within 10 s (a correctness bound, not a benchmark)
    assert sorted(e.nickname for e in store.entries(code)) == sorted(f"student {n}" for n in range(40))


def _replica(url: str, code: str, first: int, count: int, results) -> None:
    """One server process: its own engine and store on the shared database."""
    store = BoardStore(sa.create_engine(url))
    errors = []
    for number in range(first, first + count):
        try:
            store.post(code, f"replica-session-{number}", f"replica {number}", a_run())
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
    results.put(errors)


def test_two_replica_processes_share_one_board(db_url):
    store = BoardStore(sa.create_engine(db_url))
    code = store.create_board("teacher").board.code
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    replicas = [context.Process(target=_replica, args=(db_url, code, 20 * i, 20, results)) for i in range(2)]
    for process in replicas:
        process.start()
    errors = [results.get(timeout=120) for _ in replicas]
    for process in replicas:
        process.join(timeout=30)
    assert errors == [[], []]
    assert len(store.entries(code)) == 40
    assert json.loads(json.dumps([e.nickname for e in store.entries(code)]))  # readable from either side


# --- A crowd of fresh sessions from one address ------------------------------------------------


def test_seventy_fresh_sessions_from_one_address_cannot_fill_a_board(engine):
    now = [1_000_000.0]
    limits = Limits()
    store = BoardStore(engine, limits, clock=lambda: now[0])
    code = store.create_board("teacher").board.code
    refused = []
    for number in range(70):  # each a new session, as a script makes them, a post every 2 s
        now[0] += 2
        try:
            store.post(code, f"throwaway-{number}", f"spam {number}", a_run(), address="203.0.113.9")
        except (board_module.AddressFull, RateLimited) as error:
            refused.append(error)
    assert len(store.entries(code)) == limits.entries_per_address < limits.max_entries
    assert refused and isinstance(refused[-1], board_module.AddressFull)
    store.post(code, "real student", "Ada", a_run(), address="198.51.100.7")  # the class still posts
    assert store.entries(code)[-1].nickname == "Ada"


def test_posts_per_address_per_minute_hold_across_sessions(engine):
    store = BoardStore(engine, Limits(address_posts_per_minute=5))
    code = store.create_board("teacher").board.code
    for number in range(5):
        store.post(code, f"s{number}", "x", a_run(), address="203.0.113.9")
    with pytest.raises(RateLimited):
        store.post(code, "s-new", "x", a_run(), address="203.0.113.9")
    store.post(code, "s-new", "x", a_run(), address="203.0.113.10")


def test_boards_and_joins_per_address(engine):
    store = BoardStore(engine, Limits(address_boards_per_hour=2, address_joins_per_minute=3))
    store.create_board("t1", address="203.0.113.9")
    code = store.create_board("t2", address="203.0.113.9").board.code
    with pytest.raises(RateLimited):
        store.create_board("t3", address="203.0.113.9")  # a fresh session, the same address
    store.create_board("t3", address="198.51.100.7")
    for number in range(3):
        store.join(code, f"j{number}", address="203.0.113.9")
    with pytest.raises(RateLimited):
        store.join(code, "j-new", address="203.0.113.9")


def test_hidden_entries_leave_room_and_the_teacher_raises_the_caps(engine):
    store = BoardStore(engine, Limits(max_entries=2, entries_per_address=3))
    new = store.create_board("teacher")
    code, secret = new.board.code, new.teacher_secret
    spam = [store.post(code, f"s{n}", "spam", a_run(), address="203.0.113.9") for n in range(2)]
    with pytest.raises(BoardFull):
        store.post(code, "ada", "Ada", a_run(), address="198.51.100.7")
    for entry in spam:
        store.set_hidden(code, secret, entry.id)
    store.post(code, "ada", "Ada", a_run(), address="198.51.100.7")  # hidden entries do not count
    store.post(code, "s2", "spam", a_run(), address="203.0.113.9")
    store.set_caps(code, secret, max_entries=100, entries_per_address=3)
    with pytest.raises(board_module.AddressFull):  # but they do count towards their address's share
        store.post(code, "s3", "spam", a_run(), address="203.0.113.9")
    board = store.set_caps(code, secret, max_entries=100, entries_per_address=50)
    assert (board.max_entries, board.entries_per_address) == (100, 50)
    store.post(code, "s3", "a class behind one router", a_run(), address="203.0.113.9")
    with pytest.raises(NotTeacher):
        store.set_caps(code, "guess", 10**6, 10**6)
    assert store.set_caps(code, secret, 10**9, 0).max_entries == Limits().highest_cap


def test_every_change_a_viewer_sees_bumps_the_revision(store):
    new = store.create_board("teacher")
    code, secret = new.board.code, new.teacher_secret
    seen = [store.revision(code)]
    entry = store.post(code, "s", "Ada", a_run())
    seen.append(store.revision(code))
    store.set_hidden(code, secret, entry.id)
    seen.append(store.revision(code))
    store.set_locked(code, secret)
    seen.append(store.revision(code))
    store.set_caps(code, secret, 300, 60)
    seen.append(store.revision(code))
    assert seen == sorted(set(seen)) and len(seen) == 5
    store.delete_board(code, secret)
    assert store.revision(code) is None


def test_a_post_sent_twice_with_its_request_id_is_kept_once(store):
    code = store.create_board("teacher").board.code
    first = store.post(code, "s", "Ada", a_run(), request="r-1")
    again = store.post(code, "s", "Ada", a_run(), request="r-1")
    assert again.id == first.id and len(store.entries(code)) == 1
    store.post(code, "s", "Ada", a_run(), request="r-2")
    assert len(store.entries(code)) == 2


@pytest.mark.parametrize(
    "nickname, problem",
    [
        ("\u200b", "invisible"),
        ("Ada\u200b", "invisible"),
        ("\u2060\u2061", "invisible"),
        ("evil\u202egnp.exe", "reverse the direction"),
        ("\u2067abc\u2069", "reverse the direction"),
        ("a\u200db", "invisible"),
    ],
)
def test_invisible_and_direction_override_nicknames_are_refused(store, nickname, problem):
    code = store.create_board("teacher").board.code
    with pytest.raises(InvalidEntry, match=problem):
        store.post(code, "s", nickname, a_run())
    assert store.entries(code) == []


def test_emoji_sequences_with_joiners_are_nicknames(store):
    code = store.create_board("teacher").board.code
    for nickname in ("👩‍🏫", "👩🏽‍🏫 Li", "🧑‍🤝‍🧑"):
        store.post(code, nickname, nickname, a_run())
    assert [e.nickname for e in store.entries(code)] == ["👩‍🏫", "👩🏽‍🏫 Li", "🧑‍🤝‍🧑"]


# --- A hung PostgreSQL ----------------------------------------------------------------------


def timed(action) -> tuple[float, Exception | None]:
    started = time.monotonic()
    try:
        action()
    except Exception as error:  # noqa: BLE001 - returned for the test to check
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_a_frozen_postgres_gives_a_message_within_5_s_and_a_retry_after_it_thaws(postgres):
    from devtools.postgres import frozen

    engine = sa.create_engine(postgres.new_database("frozen_test"), **board_module.engine_options(postgres.url()))
    store = BoardStore(engine)
    new = store.create_board("teacher")
    code, secret = new.board.code, new.teacher_secret
    store.post(code, "s0", "Before", a_run(), request="p0")
    actions = (
        lambda: store.join(code, "student"),
        lambda: store.post(code, "s1", "During", a_run(), request="p1"),
        lambda: store.set_locked(code, secret),
        lambda: store.create_board("another teacher"),
    )
    with frozen(postgres), ThreadPoolExecutor(len(actions)) as users:  # a class meets the outage together
        for seconds, error in users.map(timed, actions):
            assert isinstance(error, StoreUnavailable) and seconds < 5, (seconds, error)
            assert "does not answer" in str(error)
    assert store.join(code, "student").code == code  # the same calls again, once it runs
    store.post(code, "s1", "During", a_run(), request="p1")
    store.post(code, "s1", "During", a_run(), request="p1")  # a second retry of the same post
    store.set_locked(code, secret)
    assert [e.nickname for e in store.entries(code)] == ["Before", "During"]
    assert store.find_board(code).locked


def test_a_version_1_database_is_migrated_with_its_boards_kept(db_url, monkeypatch):
    """A board made by the previous release (its store, from git) opens, keeps its entries and takes new posts."""
    import importlib.util
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    shown = subprocess.run(["git", "show", "6b837a4:server/board.py"], cwd=root, capture_output=True, text=True)
    if shown.returncode:
        pytest.skip("the previous release's store is not in this checkout's history")
    spec = importlib.util.spec_from_loader("board_v1", loader=None)
    old = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "board_v1", old)  # its dataclasses look their module up
    exec(compile(shown.stdout, "board_v1.py", "exec"), old.__dict__)  # noqa: S102 - our own file, from git
    old_engine = sa.create_engine(db_url)
    old_store = old.BoardStore(old_engine)
    new = old_store.create_board("teacher")
    old_store.post(new.board.code, "s", "Before", old.RunSummary({}, (10,), 0.9, 1.0, 10, 80))
    old_engine.dispose()

    store = BoardStore(sa.create_engine(db_url))
    assert store.schema_version() == board_module.SCHEMA_VERSION
    assert [e.nickname for e in store.entries(new.board.code)] == ["Before"]
    store.post(new.board.code, "s2", "After", a_run(), address="203.0.113.9", request="r")
    assert store.revision(new.board.code) == 1
    assert store.set_caps(new.board.code, new.teacher_secret, 300, 50).max_entries == 300
