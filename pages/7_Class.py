"""Class: one shared board per lesson; every student posts a run, the teacher projects the curves.

The store (server/board.py) lives in SQLite under var/ by default, in NNLIB_BOARD_URL if set, or in
[connections.board] of .streamlit/secrets.toml (PostgreSQL). A database that is down only stops
this page. Every text from the database is shown as text (a dataframe, escaped hover labels,
plain-text pickers), never as Markdown or HTML.
"""

import logging
import os
import secrets
from pathlib import Path

import streamlit as st

from server.board import (
    ENGINE_OPTIONS,
    NICKNAME_MAX_CHARS,
    BoardError,
    BoardNotFound,
    BoardStore,
    NotTeacher,
    StoreUnavailable,
    format_code,
)
from ui import class_board
from ui.display import show_chart
from ui.exports import inert_csv
from ui.i18n import t
from ui.navigation import page_setup

BOARD_FILE = Path(__file__).resolve().parent.parent / "var" / "board.sqlite"
REFRESH_SECONDS = 2  # every viewer sees a new post within this (plus one rerun)
BOARD_COLUMNS = {  # key -> English heading (translated when shown)
    "nickname": "nickname",
    "hidden": "hidden sizes",
    "accuracy": "test accuracy (%)",
    "seconds": "train s",
    "parameters": "parameters",
    "memory": "parameter memory (KB)",
    "digits": "digits",
    "activation": "activation",
    "output": "output",
    "init": "initialisation",
    "learning_rate": "learning rate",
    "batch_size": "batch size",
    "epochs": "epochs",
    "dtype": "dtype",
    "shown": "shown",
}
COLOUR_LABELS = {
    "digits": "Digits",
    "activation": "Hidden activation",
    "learning_rate": "Learning rate",
    "batch_size": "Batch size",
    "init": "Initialisation",
    "epochs": "Epochs",
    "dtype": "dtype",
    "output": "Output",
}


def board_connection_options() -> dict:
    """st.connection's arguments: NNLIB_BOARD_URL, else [connections.board] in secrets, else var/board.sqlite."""
    options = dict(ENGINE_OPTIONS)
    if os.environ.get("NNLIB_BOARD_URL"):
        return {**options, "url": os.environ["NNLIB_BOARD_URL"]}
    try:
        if "board" in st.secrets.get("connections", {}):
            return options
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        pass
    BOARD_FILE.parent.mkdir(parents=True, exist_ok=True)
    return {**options, "url": f"sqlite:///{BOARD_FILE}"}


@st.cache_resource(show_spinner=False)
def board_store(options_key: str) -> BoardStore:
    """One store per server process (each session's calls take their own connection)."""
    options = board_connection_options()
    return BoardStore(st.connection("board", type="sql", **options).engine)


def open_store() -> BoardStore | None:
    try:
        return board_store(repr(sorted(board_connection_options().items())))
    except StoreUnavailable as error:
        show_error(error)
    except Exception as error:  # noqa: BLE001 - a wrong URL or missing driver must not break the page
        # The details go to the server's log only: a URL in them may hold a password.
        logging.getLogger(__name__).exception("the class board's database cannot be opened")
        st.error(t("The class board's database cannot be opened: {error}", error=type(error).__name__))
    return None


def show_error(error: BoardError) -> None:
    """The store's English template and its words, in the session's language."""
    values = {key: t(value) if isinstance(value, str) else value for key, value in error.values.items()}
    st.error(t(error.template, **values))


def session_token() -> str:
    """This session's identity for the rate limits (stored hashed)."""
    return st.session_state.setdefault("board_session", secrets.token_hex(16))


def join(store: BoardStore, code: str) -> None:
    try:
        board = store.join(code, session_token())
    except BoardError as error:
        show_error(error)
        return
    if st.session_state.get("board_code") != board.code:  # another board: not its teacher
        st.session_state.pop("board_secret", None)
    st.session_state["board_code"] = board.code


def create(store: BoardStore) -> None:
    try:
        new = store.create_board(session_token())
    except BoardError as error:
        show_error(error)
        return
    st.session_state["board_code"] = new.board.code
    st.session_state["board_secret"] = new.teacher_secret


def claim_links(store: BoardStore) -> None:
    """?class=CODE joins; &teacher=SECRET makes this session the teacher, then leaves the address bar."""
    code, secret = st.query_params.get("class"), st.query_params.get("teacher")
    if secret and code:
        st.session_state["board_link_tried"] = code
        del st.query_params["teacher"]  # the projected address bar shows the code only
        try:
            board = store.teacher_board(code, secret)
            st.session_state["board_code"], st.session_state["board_secret"] = board.code, secret
        except BoardError as error:
            show_error(error)
    elif code and st.session_state.get("board_link_tried") != code:
        st.session_state["board_link_tried"] = code  # a link joins once, not at every rerun
        join(store, code)


def start_screen(store: BoardStore) -> None:
    join_col, teach_col = st.columns(2, gap="large")
    with join_col:
        st.subheader(t("Join your class"))
        with st.form("join-form", border=False):
            code = st.text_input(t("Class code"), max_chars=20, placeholder="ABCD-EFGH")
            if st.form_submit_button(t("Join"), type="primary"):
                join(store, code)
                if "board_code" in st.session_state:
                    st.rerun()
    with teach_col:
        st.subheader(t("Teach a class"))
        st.markdown(
            t(
                "Create a board for your lesson. You get a short code for the class and a teacher "
                "link for you alone. Boards end after 7 days."
            )
        )
        if st.button(t("Create a class board")):
            create(store)
            if "board_code" in st.session_state:
                st.rerun()


def session_runs() -> list[tuple[str, object]]:
    """(label, RunSummary) of this session's runs: Train's last, then Compare's, newest first."""
    runs = []
    trainer = st.session_state.get("trainer")
    finished = trainer is not None and trainer.status not in ("queued", "ready") and trainer.step > 0
    if finished and not st.session_state.get("training"):
        key = (id(trainer), trainer.step)
        if st.session_state.get("board_trainer_key") != key:  # evaluated once per run
            st.session_state["board_trainer_summary"] = class_board.summary_from_trainer(trainer)
            st.session_state["board_trainer_key"] = key
        summary = st.session_state["board_trainer_summary"]
        runs.append((t("Train: {run}", run=class_board.run_label(summary)), summary))
    preset = st.session_state.get("cmp_preset", "seed")
    epochs = st.session_state.get("cmp_epochs", 1)
    for run in reversed(st.session_state.get("compare_runs", [])):
        try:
            summary = class_board.summary_from_compare(run, preset, epochs)
        except (KeyError, ValueError, TypeError):
            continue
        runs.append((t("Compare: {run}", run=class_board.run_label(summary)), summary))
    return runs


def post_form(store: BoardStore, code: str) -> None:
    st.subheader(t("Post my run"))
    runs = session_runs()
    if not runs:
        st.info(t("Train a model on the Train page (or run a comparison on Compare), then come back to post it."))
        return
    with st.form("post-form", border=False):
        chosen = st.selectbox(t("Run"), range(len(runs)), format_func=lambda i: runs[i][0])
        nickname = st.text_input(
            t("Nickname"),
            max_chars=NICKNAME_MAX_CHARS,
            key="board_nickname",
            help=t("Shown on the class board. Everything else comes from your run."),
        )
        if st.form_submit_button(t("Post my run"), type="primary"):
            try:
                store.post(code, session_token(), nickname, runs[chosen][1])
                st.success(t("Posted. Your run is on the board."))
            except BoardError as error:
                show_error(error)


def page_address() -> str:
    """This page's address as the browser sees it (behind a proxy too), without its query."""
    url = getattr(st.context, "url", None) or ""
    return url.split("?")[0] if url.startswith("http") else "/Class"


def code_panel(code: str, teacher: bool) -> None:
    code_col, link_col = st.columns([1, 2], vertical_alignment="center")
    with code_col.container(key="class-code"):
        st.metric(t("Class code"), format_code(code))
    with link_col:
        st.caption(t("Students: open the Class page and type this code, or open this link:"))
        st.code(f"{page_address()}?class={code}", language=None)
    if teacher:
        with st.expander(t("🔑 Teacher link (keep it private: it can hide, lock and delete)")):
            st.code(f"{page_address()}?class={code}&teacher={st.session_state['board_secret']}", language=None)


def teacher_tools(store: BoardStore, code: str, secret: str, entries, board) -> None:
    """Hide or show an entry, lock or unlock, delete (after a tick). Changes run as callbacks,
    before the board is read again, so the board below already shows them."""
    hide_col, lock_col, delete_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    if entries:
        picked = hide_col.selectbox(
            t("Entry"),
            range(len(entries)),
            format_func=lambda i: t(
                "{number}. {name} (hidden)" if entries[i].hidden else "{number}. {name}",
                number=i + 1,
                name=class_board.short(entries[i].nickname),
            ),
            key="board_pick",
        )
        entry = entries[min(picked, len(entries) - 1)]
        hide_col.button(
            t("Show again") if entry.hidden else t("Hide"),
            key="board_hide",
            on_click=teacher_change,
            args=(store.set_hidden, code, secret, entry.id, not entry.hidden),
        )
    lock_col.button(
        t("Unlock") if board.locked else t("Lock"),
        key="board_lock",
        on_click=teacher_change,
        args=(store.set_locked, code, secret, not board.locked),
    )
    confirm = delete_col.checkbox(t("Sure?"), key="board_delete_sure")
    if delete_col.button(t("Delete the board"), disabled=not confirm, key="board_delete"):
        try:
            store.delete_board(code, secret)
        except BoardError as error:
            show_error(error)
            return
        leave_board()
        st.rerun()  # the whole page: back to the start screen
    if "board_teacher_error" in st.session_state:
        show_error(st.session_state.pop("board_teacher_error"))


def teacher_change(action, *args) -> None:
    try:
        action(*args)
    except BoardError as error:
        st.session_state["board_teacher_error"] = error


def leave_board() -> None:
    for key in ("board_code", "board_secret"):
        st.session_state.pop(key, None)


@st.fragment(run_every=REFRESH_SECONDS)
def live_board(store: BoardStore, code: str) -> None:
    """The class's entries, curves and table; refreshed for every viewer every REFRESH_SECONDS."""
    secret = st.session_state.get("board_secret")
    try:
        board = store.teacher_board(code, secret) if secret else store.find_board(code)
        entries = store.entries(code, secret)
    except (BoardNotFound, NotTeacher) as error:
        show_error(error)
        leave_board()
        return
    except BoardError as error:
        show_error(error)
        return
    shown = [e for e in entries if not e.hidden]
    counts = st.columns(3)
    counts[0].metric(t("Runs posted"), len(shown))
    if shown:
        counts[1].metric(t("Best test accuracy"), f"{max(e.accuracy for e in shown):.2%}")
        counts[2].metric(t("Board"), t("locked") if board.locked else t("open"))
    if secret:
        teacher_tools(store, code, secret, entries, board)
    if not shown:
        st.info(t("No runs yet. Each student trains on Train, comes back here and presses Post my run."))
        return
    options = class_board.colour_choices(shown)
    if st.session_state.get("board_colour") not in options:
        st.session_state["board_colour"] = options[0]  # a setting the class varied, not one all share
    colour_by = st.selectbox(
        t("Colour by"),
        options,
        format_func=lambda k: t(COLOUR_LABELS[k]),
        key="board_colour",
    )
    legend = t(COLOUR_LABELS[colour_by])
    left, right = st.columns(2)
    with left:
        show_chart(
            class_board.class_curve_figure(
                shown,
                "accuracy",
                colour_by,
                t("Hidden size → test accuracy"),
                t("hidden neurons"),
                t("test accuracy (%)"),
                legend,
            ),
            "board-accuracy",
        )
    with right:
        show_chart(
            class_board.class_curve_figure(
                shown,
                "seconds",
                colour_by,
                t("Hidden size → training time"),
                t("hidden neurons"),
                t("training time (s)"),
                legend,
            ),
            "board-time",
        )
    st.caption(t("ⓘ One point per student; the line joins the middle value at each size. Hover for the nickname."))
    table = class_board.board_table(entries if secret else shown, {k: t(v) for k, v in BOARD_COLUMNS.items()})
    st.dataframe(table, hide_index=True, width="stretch", key="board-table")
    st.download_button(
        t("⬇️ Export as CSV"),
        inert_csv(table),
        file_name=f"nnlib-class-{code}.csv",
        mime="text/csv",
        key="board-csv",
    )


page_setup("Class", "👩‍🏫")
st.title(t("👩‍🏫 Class"))
st.markdown(
    t(
        "The blog asks you to try other hidden sizes and compare accuracy, time and memory. Here the "
        "whole class does it together: each student posts a run, and the board draws the class's curves."
    )
)
store = open_store()
if store is None:
    st.stop()
claim_links(store)
code = st.session_state.get("board_code")
if not code:
    start_screen(store)
    st.stop()
code_panel(code, teacher=bool(st.session_state.get("board_secret")))
if not st.session_state.get("board_secret"):
    post_form(store, code)
if st.button(t("Leave this board")):
    leave_board()
    st.rerun()
st.subheader(t("The class board"))
live_board(store, code)
