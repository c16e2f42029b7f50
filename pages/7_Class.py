"""Class: one shared board per lesson; every student posts a run, the teacher projects the curves.

The store (server/board.py) lives in SQLite in a private data folder by default (NNLIB_DATA_DIR,
else ~/.local/share/nnlib), in NNLIB_BOARD_URL if set, or in [connections.board] of
.streamlit/secrets.toml (PostgreSQL). A database that is down only stops this page, with a message
within 5 s. Every text from the database is shown as text (a dataframe, escaped labels, plain-text
pickers), never as Markdown or HTML.

The board is drawn once per change: a small fragment asks the store for the board's revision
every REFRESH_SECONDS and reruns the page only when it grew; figures and table are built once per
revision and shared by every viewer (read-only).
"""

import hashlib
import json
import logging
import os
import secrets

import streamlit as st

from server.board import (
    NICKNAME_MAX_CHARS,
    BoardError,
    BoardNotFound,
    BoardStore,
    NotTeacher,
    StoreUnavailable,
    format_code,
)
from ui import board_session, class_board
from ui.display import show_chart
from ui.exports import inert_csv
from ui.i18n import t
from ui.navigation import page_setup

REFRESH_SECONDS = 2  # every viewer sees a new post within this (plus one rerun)
CACHED_BOARDS = 64  # board views kept (figures and table per board, revision and colouring)
BOARD_COLUMNS = {  # key -> English heading (translated when shown)
    "nickname": "nickname",
    "hidden": "hidden sizes",
    "accuracy": "test accuracy (%)",
    "seconds": "train CPU s",
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


def open_store() -> BoardStore | None:
    try:
        return board_session.shared_store()
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


def visitor_address() -> str:
    """The client's address for the per-address limits (behind our nginx, the address it saw)."""
    trusted = [p.strip() for p in os.environ.get("NNLIB_TRUSTED_PROXIES", "").split(",") if p.strip()]
    return class_board.client_address(st.context.ip_address, st.context.headers, trusted)


def enter_board(code: str, secret: str | None = None) -> None:
    """This session is on the board (as its teacher when secret is given); the address bar keeps the
    code, so a reload comes back to the board."""
    if st.session_state.get("board_code") != code or secret:  # another board: not its teacher
        st.session_state.pop("board_secret", None)
        st.session_state.pop("board_seat", None)
    st.session_state["board_code"] = code
    if secret:
        st.session_state["board_secret"] = secret
    st.session_state["board_link_tried"] = code
    st.query_params["class"] = code


def join(store: BoardStore, code: str) -> None:
    try:
        board = store.join(code, session_token(), address=visitor_address())
        seat = store.take_seat(board.code)
    except BoardError as error:
        show_error(error)
        return
    enter_board(board.code)
    st.session_state["board_seat"] = seat


def create(store: BoardStore) -> None:
    try:
        new = store.create_board(session_token(), address=visitor_address())
    except BoardError as error:
        show_error(error)
        return
    enter_board(new.board.code, new.teacher_secret)
    st.session_state["board_show_teacher_link"] = True  # once, right after Create


def claim_links(store: BoardStore) -> None:
    """?class=CODE joins; &teacher=SECRET makes this session the teacher, then leaves the address bar."""
    code, secret = st.query_params.get("class"), st.query_params.get("teacher")
    if secret and code:
        st.session_state["board_link_tried"] = code
        del st.query_params["teacher"]  # the projected address bar shows the code only
        try:
            board = store.teacher_board(code, secret)
            enter_board(board.code, secret)
        except BoardError as error:
            show_error(error)
    elif code and st.session_state.get("board_link_tried") != code:
        st.session_state["board_link_tried"] = code  # a link joins once, not at every rerun
        seat = board_session.linked_seat()
        try:
            back = store.find_board(code) if seat is not None and store.has_seat(*seat) else None
        except BoardError as error:
            show_error(error)
            return
        if back:  # a reload, or a phone that evicted the tab: the same student, no new join
            enter_board(back.code)
            st.session_state["board_seat"] = seat[1]
        else:
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
                store.post(
                    code,
                    session_token(),
                    nickname,
                    runs[chosen][1],
                    address=visitor_address(),
                    request=post_request(nickname, runs[chosen][1]),
                )
                st.success(t("Posted. Your run is on the board."))
            except BoardError as error:
                show_error(error)


def post_request(nickname: str, run) -> str:
    """The same run under the same nickname is one post: pressing Post again after a database
    timeout (whose first try may have arrived after all) or a double tap adds nothing."""
    posted = json.dumps([nickname, run.settings, run.accuracy, run.train_seconds], sort_keys=True, default=str)
    return hashlib.sha256(posted.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def browser_address() -> str:
    """This page's address as the browser sees it (behind a proxy too), without its query."""
    url = getattr(st.context, "url", None) or ""
    return url.split("?")[0] if url.startswith("http") else "http://localhost/Class"


def code_panel(code: str, teacher: bool) -> None:
    """The code; for the teacher also the join link and its QR code, built from an address phones
    can reach (a student's phone needs its first screen for posting)."""
    if not teacher:
        with st.container(key="class-code"):
            st.metric(t("Class code"), format_code(code))
        return
    page_url, warning = class_board.student_page_url(
        browser_address(), os.environ.get("NNLIB_PUBLIC_URL"), class_board.lan_address()
    )
    link = class_board.join_url(page_url, code)
    code_col, link_col, qr_col = st.columns([2, 3, 2], vertical_alignment="center")
    with code_col.container(key="class-code"):
        st.metric(t("Class code"), format_code(code))
    with link_col:
        st.caption(t("Students: scan the QR code, or open the Class page and type this code, or open this link:"))
        st.code(link, language=None)
        if warning:
            st.warning(t(warning), icon="📶")
        st.caption(
            t(
                "Phones reach this server when they are on the same Wi-Fi and the server listens on the "
                "network (--server.address 0.0.0.0); a hosted server needs nothing. NNLIB_PUBLIC_URL sets "
                "the address used here."
            )
        )
    with qr_col.container(key="class-qr"):
        st.image(class_board.qr_png(link), caption=t("Scan to join"), width=200)


def teacher_link_once(code: str) -> None:
    """Right after Create only: the teacher link (the secret), with a warning, until dismissed.
    It is never drawn again, so a projected board never shows it."""
    if not st.session_state.get("board_show_teacher_link") or not st.session_state.get("board_secret"):
        return
    with st.container(border=True, key="teacher-link"):
        st.warning(
            t(
                "🔑 Your teacher link: copy it now and keep it private (it can hide, lock and delete). It is "
                "shown only this once. Do not project this screen until you have pressed Done."
            )
        )
        st.code(
            f"{class_board.join_url(browser_address(), code)}&teacher={st.session_state['board_secret']}",
            language=None,
        )
        if st.button(t("Done: I have saved it"), key="teacher-link-done"):
            st.session_state.pop("board_show_teacher_link", None)
            st.rerun()


def teacher_tools(store: BoardStore, code: str, secret: str, entries, board) -> None:
    """Hide or show an entry, lock or unlock, raise the caps, delete (after a tick). Changes run as
    callbacks, before the board is read again, so the board below already shows them; one the
    database did not take is kept and tried again (see retry_pending)."""
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
            args=("Show again" if entry.hidden else "Hide", store.set_hidden, code, secret, entry.id, not entry.hidden),
        )
    lock_col.button(
        t("Unlock") if board.locked else t("Lock"),
        key="board_lock",
        on_click=teacher_change,
        args=("Unlock" if board.locked else "Lock", store.set_locked, code, secret, not board.locked),
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
    caps_form(store, code, secret, board)
    if "board_teacher_error" in st.session_state:
        show_error(st.session_state.pop("board_teacher_error"))


def caps_form(store: BoardStore, code: str, secret: str, board) -> None:
    with st.popover(t("Limits")), st.form("board-caps", border=False):
        st.caption(t("Hidden entries do not count towards the board's size."))
        most = store.limits.highest_cap
        size = st.number_input(t("Entries on the board"), 1, most, board.max_entries, key="board_cap_size")
        share = st.number_input(
            t("Entries from one network address (a class behind one router shares one)"),
            1,
            most,
            board.entries_per_address,
            key="board_cap_share",
        )
        if st.form_submit_button(t("Save the limits")):
            teacher_change("Save the limits", store.set_caps, code, secret, int(size), int(share))
            st.rerun()


def teacher_change(name: str, action, *args) -> None:
    """Runs a teacher's action; one the database did not take (it was down or hung) waits in
    board_pending and is tried again; the actions are all safe to repeat."""
    try:
        action(*args)
    except StoreUnavailable:
        st.session_state.setdefault("board_pending", []).append((name, action, *args))
    except BoardError as error:
        st.session_state["board_teacher_error"] = error


def retry_pending() -> bool:
    """Tries the teacher's waiting actions again, in order; True when at least one went through."""
    pending = st.session_state.get("board_pending", [])
    done = 0
    for _name, action, *args in pending:
        try:
            action(*args)
        except StoreUnavailable:
            break
        except BoardError as error:
            st.session_state["board_teacher_error"] = error
        done += 1
    st.session_state["board_pending"] = pending[done:]
    return done > 0


def leave_board() -> None:
    for key in ("board_code", "board_secret", "board_seat", "board_show_teacher_link", "board_pending"):
        st.session_state.pop(key, None)
    st.query_params.pop("class", None)
    st.query_params.pop(board_session.SEAT_PARAM, None)


@st.fragment(run_every=REFRESH_SECONDS)
def watch_board(store: BoardStore, code: str, shown_revision: int) -> None:
    """Every REFRESH_SECONDS: the teacher's waiting actions tried again, then one small query (the
    board's revision); the page is redrawn only when the board changed."""
    retried = retry_pending()
    for name, *_ in st.session_state.get("board_pending", []):
        st.warning(t("The database did not take “{action}” yet; it is tried again every few seconds.", action=t(name)))
    try:
        revision = store.revision(code)
    except StoreUnavailable as error:
        show_error(error)
        return
    if retried or revision != shown_revision:
        st.rerun()


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_view(_store: BoardStore, code: str, revision: int, teacher: bool, _secret: str | None):
    """(board, entries) at this revision, shared by every viewer of the board (hidden entries only
    in the teacher's). Read-only for its users."""
    board = _store.teacher_board(code, _secret) if teacher else _store.find_board(code)
    return board, tuple(_store.entries(code, _secret if teacher else None))


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_figures(code: str, revision: int, teacher: bool, colour_by: str, words: tuple[str, ...], _shown):
    """The two curves at this revision in these words (title, x, y, legend, …); built once, shared."""
    accuracy_title, time_title, x_title, accuracy_axis, time_axis, legend = words
    return (
        class_board.class_curve_figure(_shown, "accuracy", colour_by, accuracy_title, x_title, accuracy_axis, legend),
        class_board.class_curve_figure(_shown, "seconds", colour_by, time_title, x_title, time_axis, legend),
    )


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_export(code: str, revision: int, teacher: bool, headings: tuple[tuple[str, str], ...], _entries):
    """The table and its inert CSV at this revision; built once, shared."""
    table = class_board.board_table(list(_entries), dict(headings))
    return table, inert_csv(table)


def show_board(store: BoardStore, code: str) -> None:
    """The class's entries, curves and table at the board's current revision."""
    secret = st.session_state.get("board_secret")
    try:
        revision = store.revision(code)
        if revision is None:
            store.find_board(code)  # raises BoardNotFound
        board, entries = board_view(store, code, revision, bool(secret), secret)
    except (BoardNotFound, NotTeacher) as error:
        show_error(error)
        leave_board()
        return
    except BoardError as error:
        show_error(error)
        watch_board(store, code, -1)
        return
    watch_board(store, code, revision)
    shown = [e for e in entries if not e.hidden]
    counts = st.columns(3)
    counts[0].metric(t("Runs posted"), len(shown))
    if shown:
        counts[1].metric(t("Best test accuracy"), f"{max(e.accuracy for e in shown):.2%}")
        counts[2].metric(t("Board"), t("locked") if board.locked else t("open"))
    if secret:
        teacher_tools(store, code, secret, list(entries), board)
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
    words = (
        t("Hidden size → test accuracy"),
        t("Hidden size → training CPU time"),
        t("hidden neurons"),
        t("test accuracy (%)"),
        t("training CPU time (s)"),
        t(COLOUR_LABELS[colour_by]),
    )
    accuracy_figure, time_figure = board_figures(code, revision, bool(secret), colour_by, words, shown)
    left, right = st.columns(2)
    with left:
        show_chart(accuracy_figure, "board-accuracy")
    with right:
        show_chart(time_figure, "board-time")
    st.caption(t("ⓘ One point per student, labelled with its nickname; the line joins the middle value at each size."))
    headings = tuple((k, t(v)) for k, v in BOARD_COLUMNS.items())
    table, csv_bytes = board_export(code, revision, bool(secret), headings, entries if secret else tuple(shown))
    st.dataframe(table, hide_index=True, width="stretch", key="board-table")
    st.download_button(
        t("⬇️ Export as CSV"),
        csv_bytes,
        file_name=f"nnlib-class-{code}.csv",
        mime="text/csv",
        key="board-csv",
        on_click="ignore",  # a download changes nothing on the page: no rerun for it
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
st.query_params["class"] = code  # a reload comes back here (after a page switch cleared it)
teacher_link_once(code)
code_panel(code, teacher=bool(st.session_state.get("board_secret")))
if not st.session_state.get("board_secret"):
    board_session.show_seat_in_address()
    board_session.keep_model_in_seat(store)
    post_form(store, code)
if st.button(t("Leave this board")):
    leave_board()
    st.rerun()
st.subheader(t("The class board"))
show_board(store, code)
