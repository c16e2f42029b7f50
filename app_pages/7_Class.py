"""Class: one shared board per lesson; every student posts a run, the teacher projects the curves.

The board is reached through ui/class_session.py and ui/board_session.py (where the store lives and
how it is opened). Every text from the database is shown as text (a dataframe, escaped labels,
plain-text pickers), never as Markdown or HTML. The board is drawn once per change (see
ui.class_session.watch_board); figures and table are built once per revision and shared.
"""

import streamlit as st

from ui import board_session, class_board
from ui.board_session import NICKNAME_MAX_CHARS, BoardError, BoardNotFound, BoardStore, NotTeacher, format_code
from ui.class_session import (
    board_export,
    board_figures,
    board_headings,
    board_view,
    browser_address,
    claim_links,
    colour_label,
    create,
    join,
    leave_board,
    open_store,
    post_request,
    session_runs,
    session_token,
    show_error,
    student_page_url,
    teacher_change,
    visitor_address,
    watch_board,
)
from ui.display import show_chart
from ui.i18n import t


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


def code_panel(code: str, teacher: bool) -> None:
    """The code; for the teacher also the join link and its QR code, built from an address phones
    can reach (a student's phone needs its first screen for posting)."""
    if not teacher:
        with st.container(key="class-code"):
            st.metric(t("Class code"), format_code(code))
        return
    page_url, warning = student_page_url()
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
        format_func=colour_label,
        key="board_colour",
    )
    words = (
        t("Hidden size → test accuracy"),
        t("Hidden size → training CPU time"),
        t("hidden neurons"),
        t("test accuracy (%)"),
        t("training CPU time (s)"),
        colour_label(colour_by),
    )
    accuracy_figure, time_figure = board_figures(code, revision, bool(secret), colour_by, words, shown)
    left, right = st.columns(2)
    with left:
        show_chart(accuracy_figure, "board-accuracy")
    with right:
        show_chart(time_figure, "board-time")
    st.caption(t("ⓘ One point per student, labelled with its nickname; the line joins the middle value at each size."))
    table, csv_bytes = board_export(code, revision, bool(secret), board_headings(), entries if secret else tuple(shown))
    st.dataframe(table, hide_index=True, width="stretch", key="board-table")
    st.download_button(
        t("⬇️ Export as CSV"),
        csv_bytes,
        file_name=f"nnlib-class-{code}.csv",
        mime="text/csv",
        key="board-csv",
        on_click="ignore",  # a download changes nothing on the page: no rerun for it
    )


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
