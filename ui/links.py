"""Settings in a link: a teacher hands out a URL that opens Train with the lesson's settings, and a
run's link carries the changes made while it trained (knobs=STEP:KEY=VALUE;…). Each URL field is
made from its registry entry (nnlib.registry.SETTINGS); a value that does not fit is changed to
the nearest that does and named."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from nnlib import PRESETS, ConfigError, TrainConfig, registry
from nnlib.registry import Setting
from ui.i18n import t
from ui.settings import apply_preset, base_preset, hidden_text, preset_widget_values

# --- Settings in the URL: a teacher hands out a link that opens Train with the lesson's settings.
# Each parser returns (value, note): note names a value that was changed to fit, else None.


def _nearest(options):
    """Snap a number to the nearest option (in log space when all are > 0)."""

    def parse(text: str):
        value = float(text)
        if not np.isfinite(value):
            raise ValueError(text)
        if all(o > 0 for o in options) and value > 0:
            chosen = min(options, key=lambda o: abs(np.log(o) - np.log(value)))
        else:
            chosen = min(options, key=lambda o: abs(o - value))
        return chosen, None if np.isclose(chosen, value) else chosen

    return parse


def _whole_in(low, high):
    def parse(text: str):
        value = float(text)
        if not np.isfinite(value):
            raise ValueError(text)
        chosen = int(min(max(round(value), low), high))
        return chosen, None if chosen == value else chosen

    return parse


def _number_in(low, high, step):
    def parse(text: str):
        value = float(text)
        if not np.isfinite(value):
            raise ValueError(text)
        chosen = round(round(min(max(value, low), high) / step) * step, 10)
        return chosen, None if np.isclose(chosen, value) else chosen

    return parse


def _choice(options):
    def parse(text: str):
        if text not in options:
            raise ValueError(text)
        return text, None

    return parse


def _text_list(entry: Setting):
    """Items typed as text; a list with an item out of range or too many items is dropped with a
    note, never silently changed. Returns the widget's value (a list, or the sizes as text)."""

    def parse(text: str):
        try:
            items = entry.parse(text)
        except ConfigError:
            raise ValueError(text) from None
        if not items or any(not entry.low <= item <= entry.high for item in items):
            raise ValueError(text)
        if entry.most is not None and len(items) > entry.most:
            raise ValueError(text)
        return (list(items) if entry.choices else hidden_text(items)), None

    return parse


def _flag(text: str):
    if text.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(text)
    return text.lower() in ("1", "true", "yes"), None


def _offered(entry: Setting):
    """One of the values a slider offers: a value that means "all" as it is, a number out of the
    entry's range (if it has one) dropped, any other moved to the nearest value in range."""
    in_range = [v for v in entry.values if entry.low is None or entry.low <= v <= entry.high]
    nearest = _nearest(in_range)

    def parse(text: str):
        value = float(text)
        if value in entry.labels:
            return type(in_range[0])(value), None
        if entry.low is not None and not entry.low <= value <= entry.high:
            raise ValueError(text)
        return nearest(text)

    return parse


def url_parser(entry: Setting):
    """How the URL's text of a setting becomes its widget's value: text -> (value, note), the note
    naming a value moved to fit (else None); ValueError for text that names no allowed value."""
    if entry.kind == registry.CHOICE:
        return _choice(list(entry.choices))
    if entry.kind == registry.FLAG:
        return _flag
    if entry.kind == registry.TEXT_LIST:
        return _text_list(entry)
    if entry.values:
        return _offered(entry)
    if entry.kind == registry.WHOLE:
        return _whole_in(entry.low, entry.high)
    return _number_in(entry.low, entry.high, entry.step)


def query_fields() -> dict:
    """URL key -> (widget key, parser, how to write the widget's value back), for every setting the
    Train page shows."""
    return {
        entry.url_key: (f"cfg_{entry.name}", url_parser(entry), entry.to_text)
        for entry in registry.SETTINGS
        if entry.url_key and entry.group
    }


# --- Changes made mid-run, in a run's link: knobs=STEP:KEY=VALUE;… (KEY a URL key of a live setting),
# e.g. knobs=120:lr=0.5;300:momentum=0.9: from batch 120 on the learning rate is 0.5, and so on.

#: TrainConfig field of a live setting (nnlib.trainer.LIVE_KNOBS) -> its URL key
KNOB_KEYS = {"learning_rate": "lr", "momentum": "momentum", "l2": "l2", "dropout": "dropout", "augment": "augment"}
MAX_KNOB_CHANGES = 24  # changes a link may carry
MAX_KNOBS_TEXT = 480  # characters of the knobs field read at most
MAX_KNOB_STEP = 10_000_000  # a batch number beyond any run the work cap allows


def knobs_text(changes) -> str:
    """A run's changes (KnobEvent: step, name, value) as the knobs field, in order of their batches."""
    parts = []
    for change in sorted(changes, key=lambda c: c.step)[:MAX_KNOB_CHANGES]:
        key = KNOB_KEYS[change.name]
        parts.append(f"{change.step}:{key}={query_fields()[key][2](change.value)}")
    return ";".join(parts)


def parse_knobs(text: str) -> tuple[list[tuple[int, str, float]], list[str], list[str]]:
    """The knobs field as a plan for Trainer.plan_knobs: [(step, TrainConfig field, value), …].

    Each value is checked like its own URL field (moved to the nearest allowed value, or left out).
    Returns (plan, ignored, changed): ignored and changed as apply_query_params words them.
    """
    fields = {key: name for name, key in KNOB_KEYS.items()}
    if len(text) > MAX_KNOBS_TEXT:
        return [], [f"knobs={text[:40]}… ({len(text):,} > {MAX_KNOBS_TEXT})"], []
    plan, ignored, changed = [], [], []
    for entry in filter(None, text.split(";")):
        step_text, _, setting = entry.partition(":")
        key, _, value_text = setting.partition("=")
        try:
            step = int(step_text)
            if key not in fields or not 1 <= step <= MAX_KNOB_STEP or len(plan) >= MAX_KNOB_CHANGES:
                raise ValueError(entry)
            value, adjusted = query_fields()[key][1](value_text)
        except (ValueError, OverflowError):
            ignored.append(f"knobs={entry[:40]}")
            continue
        plan.append((step, fields[key], float(value)))
        if adjusted is not None:
            changed.append(f"knobs={entry[:40]} → {step}:{key}={query_fields()[key][2](adjusted)}")
    return plan, ignored, changed


def planned_knobs() -> dict:
    """The link's mid-run changes as server.jobs controls ({"knob_plan": plan}), while the widgets
    still hold the link's settings; {} once they were changed (a new run is the user's own)."""
    stored = st.session_state.get("knob_plan")
    if not stored or stored[1] != settings_query():
        return {}
    return {"knob_plan": stored[0]}


def config_query(config: TrainConfig) -> dict[str, str]:
    """A TrainConfig as URL parameters (without the preset)."""
    values = preset_widget_values(config)
    return {name: write(values[widget_key]) for name, (widget_key, _, write) in query_fields().items()}


def run_query() -> dict[str, str]:
    """The settings' URL parameters; after a run with mid-run changes whose other settings are still
    the widgets', the run's own: its starting values and knobs=, so that the link replays it."""
    query = settings_query()
    trainer = st.session_state.get("trainer")
    changes = getattr(getattr(trainer, "history", None), "knobs", None)
    if not changes:
        return query
    start = {}
    for change in sorted(changes, key=lambda c: c.step):
        start.setdefault(change.name, change.before)
    run = config_query(trainer.config.replace(**start))
    fixed = [name for name in query_fields() if name not in KNOB_KEYS.values() and name != "epochs"]
    if any(run[name] != query.get(name) for name in fixed):
        return query
    return {**query, **{key: run[key] for key in KNOB_KEYS.values()}, "knobs": knobs_text(changes)}


def plan_words(plan) -> str:
    """A plan as a person reads it: "from batch 31, Learning rate 0.5; from batch 56, Momentum 0.9"."""
    return "; ".join(
        t(
            "from batch {step}, {setting} {value}",
            step=f"{step:,}",
            setting=t(registry.setting(name).label),
            value=f"{value:g}",
        )
        for step, name, value in plan
    )


def planned_knobs_words() -> str:
    """Before a run from a link with mid-run changes: what the run will change, and when ("" if none)."""
    plan = planned_knobs().get("knob_plan")
    if not plan:
        return ""
    return t("This link's run changes settings while it learns: {changes}.", changes=plan_words(plan))


def link_knobs_words() -> str:
    """What the link does beyond the settings ("" when it carries no mid-run changes)."""
    text = run_query().get("knobs")
    if not text:
        return ""
    return t(
        "The link also makes the run's mid-run changes, at the same batches: {changes}.",
        changes=plan_words(parse_knobs(text)[0]),
    )


def apply_query_params() -> tuple[list[str], list[str]]:
    """Once per session: take the Train settings from the URL.

    Returns (ignored, changed): "name=value" of parameters left out, and
    "name=value → new" of values moved to the nearest allowed one.
    """
    if st.session_state.get("query_applied"):
        return [], []
    st.session_state["query_applied"] = True
    query = st.query_params
    fields = query_fields()
    if not any(key in query for key in ("preset", "knobs", *fields)):
        return [], []
    ignored, changed = [], []
    preset = query.get("preset", "seed")
    if preset not in PRESETS:
        ignored.append(f"preset={preset[:40]}")
        preset = "seed"
    st.session_state["preset"] = preset
    apply_preset()
    for name, (widget_key, parse, write) in fields.items():
        if name in query:
            text = query[name][:200]
            try:
                value, adjusted = parse(text)
            except (ValueError, OverflowError):
                ignored.append(f"{name}={text[:40]}")
                continue
            st.session_state[widget_key] = value
            if adjusted is not None:
                changed.append(f"{name}={text[:40]} → {write(adjusted)}")
    if "knobs" in query:
        plan, knob_ignored, knob_changed = parse_knobs(query["knobs"])
        ignored, changed = ignored + knob_ignored, changed + knob_changed
        if plan:
            st.session_state["knob_plan"] = (plan, settings_query())
    return ignored, changed


def settings_query() -> dict[str, str]:
    """The current widget values as URL parameters."""
    state = st.session_state
    query = {"preset": base_preset()}
    for name, (widget_key, _, write) in query_fields().items():
        if widget_key in state:
            query[name] = write(state[widget_key])
    return query


def link_to_settings() -> str:
    """A link that opens the Train page with these settings (and this language): the last run's
    own, with its mid-run changes, while the widgets hold its other settings (run_query)."""
    query = run_query()
    if st.session_state.get("lang", "en") != "en":
        query["lang"] = st.session_state["lang"]
    base = str(st.context.url or "").split("?")[0].rstrip("/")
    if not base.endswith("/Train"):
        base = base.rsplit("/", 1)[0] + "/Train" if base.count("/") > 2 else base + "/Train"
    return f"{base}?{urlencode(query)}"
