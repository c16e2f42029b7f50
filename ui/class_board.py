"""The class board's pure parts: a session's run → what it posts; entries → figures and a table.

No Streamlit and no translator here (words come in already translated), so tests read them
directly. Nicknames are visitors' text: the table keeps them as plain strings (Streamlit's
dataframe draws text, never markup) and the figures escape them, because Plotly reads a
small HTML subset (``<b>``, ``<a href>``) in hover text.
"""

from __future__ import annotations

import html
import io
import math
import socket
from collections import defaultdict
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go
import segno

from nnlib import TrainConfig, registry
from server.board import Entry, RunSummary
from ui.charts import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, layout
from ui.navigation import deep_link_paths

if TYPE_CHECKING:  # ui.state holds Streamlit's session: not imported by this pure module
    from ui.state import CompareRun

# The eight Okabe–Ito colours (yellow last: on white it needs the markers' dark outline).
PALETTE = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, "#000000", "#F0E442")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "star", "hexagon")
NICKNAME_SHOWN = 40  # characters of a nickname in a hover label or a picker
LABEL_SHOWN = 10  # characters of a nickname written beside its point (touch screens cannot hover)
MOST_LABELLED = 40  # more points than this on a chart: no labels (they would cover each other), the table names them


def posted_settings() -> tuple[registry.Setting, ...]:
    """The settings a post carries (registry entries marked board), in the registry's order."""
    return tuple(entry for entry in registry.SETTINGS if entry.board)


def colour_settings() -> tuple[registry.Setting, ...]:
    """The posted settings the curves may be coloured by (value → legend group): all but the x axis's."""
    return tuple(entry for entry in posted_settings() if entry.name != "hidden")


def posted_values(config: TrainConfig) -> dict:
    """The JSON-able settings a post carries: {"digits": [0, 1], "hidden": [10], …}."""
    values = {}
    for entry in posted_settings():
        value = entry.read(config)
        values[entry.name] = list(value) if isinstance(value, tuple) else value
    return values


def summary_of(run: CompareRun) -> RunSummary:
    """What a post carries of a session's run (ui.state.CompareRun: Train's or Compare's)."""
    return RunSummary(
        settings=posted_values(run.config),
        hidden_sizes=tuple(run.config.hidden),
        accuracy=float(run.test_accuracy),
        train_seconds=float(run.cpu_seconds),  # the worker's CPU time: the network's cost, not the crowd's
        parameters=int(run.parameters),
        parameter_bytes=int(run.parameter_bytes),
    )


def run_label(summary: RunSummary) -> str:
    """'784-10-2 tanh, lr 0.001: 99.95% in 1.6 s' — a run in a picker."""
    settings = summary.settings
    layers = "-".join(str(n) for n in (784, *summary.hidden_sizes, len(settings.get("digits", [])) or "?"))
    return (
        f"{layers} {settings.get('activation', '')}, lr {settings.get('learning_rate', '?')}, "
        f"batch {settings.get('batch_size', '?')}: {summary.accuracy:.2%} in {summary.train_seconds:.1f} s"
    )


def short(text: str, limit: int = NICKNAME_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def setting_text(value) -> str:
    """A setting as a legend or table shows it: [0, 1] → '0,1'; 0.001 → '0.001'."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def board_table(entries: list[Entry], columns: dict[str, str]) -> pd.DataFrame:
    """One row per entry; columns maps each key below to its (translated) heading.

    Keys: nickname, hidden, accuracy (%), seconds, parameters, memory (KB), the colour_settings()
    (the posted settings but hidden) by name, and shown (False for an entry the teacher hid).
    """
    rows = []
    for entry in entries:
        row = {
            "nickname": entry.nickname,
            "hidden": setting_text(list(entry.hidden_sizes)),
            "accuracy": round(100 * entry.accuracy, 2),
            "seconds": round(entry.train_seconds, 2),
            "parameters": entry.parameters,
            "memory": round(entry.parameter_bytes / 1024, 1),
        }
        for setting in colour_settings():
            row[setting.name] = setting_text(entry.settings.get(setting.name, ""))
        row["shown"] = not entry.hidden
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.rename(columns=columns)


def colour_choices(entries: list[Entry]) -> list[str]:
    """colour_settings() by name, the ones whose values differ across entries first (the useful colourings)."""
    names = [entry.name for entry in colour_settings()]
    varied = [name for name in names if len({setting_text(e.settings.get(name)) for e in entries}) > 1]
    return varied + [name for name in names if name not in varied]


def _groups(entries: list[Entry], colour_by: str) -> dict[str, list[Entry]]:
    groups = defaultdict(list)
    for entry in entries:
        groups[setting_text(entry.settings.get(colour_by, ""))].append(entry)
    return dict(sorted(groups.items()))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def class_curve_figure(
    entries: list[Entry],
    measure: str,
    colour_by: str,
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> go.Figure:
    """Hidden neurons (log x) → accuracy (%) or training seconds, one colour per value of colour_by.

    measure: "accuracy" or "seconds". Every entry is a point (hover: its nickname, escaped);
    a line joins each group's median at every hidden size, the class's curve.
    """
    fig = go.Figure()
    labelled = len(entries) <= MOST_LABELLED
    for index, (value, group) in enumerate(_groups(entries, colour_by).items()):
        colour, symbol = PALETTE[index % len(PALETTE)], SYMBOLS[index % len(SYMBOLS)]
        ys = [100 * e.accuracy if measure == "accuracy" else e.train_seconds for e in group]
        xs = [e.hidden_total for e in group]
        names = [html.escape(short(e.nickname)) for e in group]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="markers+text" if labelled else "markers",
            name=value,
            legendgroup=value,
            marker=dict(color=colour, symbol=symbol, size=12, line=dict(color="#333333", width=1)),
            text=[html.escape(short(e.nickname, LABEL_SHOWN)) for e in group],
            textposition="top center",
            textfont=dict(size=12, color="#333333"),
            customdata=names,
            hovertemplate="%{customdata}<br>%{x} → %{y:.2f}<extra></extra>",
        )
        by_size = defaultdict(list)
        for x, y in zip(xs, ys):
            by_size[x].append(y)
        sizes = sorted(by_size)
        if len(sizes) > 1:
            fig.add_scatter(
                x=sizes,
                y=[_median(by_size[s]) for s in sizes],
                mode="lines",
                name=value,
                legendgroup=value,
                showlegend=False,
                hoverinfo="skip",
                line=dict(color=colour, width=3),
            )
    fig.update_xaxes(title=x_title, type="log", **log_ticks([e.hidden_total for e in entries]))
    log_y = measure == "seconds" and _spread(entries)
    seconds = [e.train_seconds for e in entries if e.train_seconds > 0]
    fig.update_yaxes(title=y_title, type="log" if log_y else None, **(log_ticks(seconds) if log_y else {}))
    return layout(fig, title, height=420, legend_title_text=legend_title)


def log_ticks(values: list[float]) -> dict:
    """A log axis's labels: every decade the values reach (1, 10, 100, …) written out, with 2 and 5
    between them when fewer than three decades show, so even 2…50 is read without guessing."""
    positive = [v for v in values if v > 0]
    if not positive:
        return {}
    low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    steps = (1,) if high - low >= 3 else (1, 2, 5)
    ticks = [step * 10.0**power for power in range(low, high + 1) for step in steps]
    ticks = [tick for tick in ticks if min(positive) / 2 <= tick <= max(positive) * 2] or [10.0**low]
    return {"tickvals": ticks, "ticktext": [f"{tick:g}" for tick in ticks]}


def _spread(entries: list[Entry]) -> bool:
    """Training times across more than a decade: worth a log axis."""
    seconds = [e.train_seconds for e in entries if e.train_seconds > 0]
    return len(seconds) > 1 and math.log10(max(seconds) / min(seconds)) > 1


# --- Who is asking, and where students can reach this server ----------------------------------

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
PAGE_PATHS = tuple(path.lower() for path in deep_link_paths() if path)


def client_address(peer: str | None, headers, trusted_proxies=()) -> str:
    """The visitor's network address for the board's limits.

    peer: the TCP peer (st.context.ip_address; None when it is this machine). Only a peer on this
    machine (our nginx) or in trusted_proxies ("*": every peer, for a host reachable only through
    its platform's proxy) may name the real client, by the last
    X-Forwarded-For entry (the one the proxy appended) or X-Real-IP; anyone else's headers are
    ignored, since a visitor can send any header.
    """
    if peer is not None and peer not in trusted_proxies and "*" not in trusted_proxies:
        return peer
    forwarded = (headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
    return forwarded or (headers.get("X-Real-IP") or "").strip() or peer or "this machine"


def lan_address() -> str | None:
    """This machine's address on its local network (the interface a route outward uses), or None.
    No packet is sent: connecting a UDP socket only picks the interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, any default route will do
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def student_page_url(browser_url: str, public_url: str | None, lan: str | None) -> tuple[str, str | None]:
    """(the Class page's address students can open, a warning or None).

    public_url (NNLIB_PUBLIC_URL) wins; else a teacher on localhost gets this machine's LAN
    address with the same port (phones cannot open "localhost"); else the browser's own address.
    The warning is an English template, translated by the page.
    """
    if public_url:
        return public_url.rstrip("/") + "/Class", None
    parts = urlsplit(browser_url)
    parts = parts._replace(path=app_root(parts.path) + "/Class")
    if parts.hostname in LOOPBACK_HOSTS:
        if lan is None:
            return browser_url, "This address only works on this computer, and no network address was found."
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme or "http", f"{lan}{port}", parts.path, "", "")), (
            "Your browser uses localhost, so the link and QR code use this computer's network address "
            "instead. Phones must be on the same Wi-Fi, and the server must listen on it "
            "(streamlit run streamlit_app.py --server.address 0.0.0.0), or set NNLIB_PUBLIC_URL."
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), None


def app_root(path: str) -> str:
    """The app's own path prefix: path without its page part ('/nnlib/class/' → '/nnlib'; the page
    part may be in any case, or doubled by a switch from a path Streamlit did not know)."""
    segments = [segment for segment in path.split("/") if segment]
    while segments and segments[-1].lower() in PAGE_PATHS:
        segments.pop()
    return "".join(f"/{segment}" for segment in segments)


def join_url(page_url: str, code: str) -> str:
    return f"{page_url}?class={code}"


def qr_png(text: str) -> bytes:
    """A QR code of text as PNG bytes (segno; medium error correction, a 4-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
