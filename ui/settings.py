"""The Train page's settings: one widget per registry entry (the URL that carries them: ui/links.py).

Widget values live in st.session_state under "cfg_<field>"; a preset writes them all
at once. Each widget, URL parameter and Compare choice is made from its entry in
nnlib.registry.SETTINGS (read when called, so a new entry needs nothing here);
``config_from_widgets`` says what is wrong with the widgets' values, by the field each
problem names, so the page can show each message next to its field.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlib import PRESETS, ConfigError, TrainConfig, registry
from nnlib.config import EPOCHS_RANGE
from nnlib.cost import CostCheck, check_cost, estimate_seconds, max_cpu_seconds
from nnlib.registry import Setting
from ui.i18n import t, t_problem

CUSTOM = "custom"  # the preset selector's value once a setting differs from the chosen preset
# One name per preset everywhere (Home, README, here): the name, then what it is. The keys are
# the URL's and the command line's (?preset=class, --preset class). English templates, translated when shown.
PRESET_LABELS = {
    "seed": "The blog: 0 vs 1, 784-10-2, per-sample SGD",
    "class": "All ten digits, quick: 784-192-10, 5 epochs",
    "digits": "All ten digits, 784-256-128-10",
    "robust": "Anyone's handwriting, 784-512-256-10, minutes of training: the shipped model before its writing styles",
    CUSTOM: "Your own settings (a preset, changed): choose a preset to start again from it",
}
SCHEDULE_LABELS = registry.setting("schedule").labels
#: Fields whose problems the page shows next to their own widget (the rest under the Training tab).
PLACED_APART = ("hidden", "digits")
#: A whole number with more steps than this is typed (a number box), not slid.
MOST_SLIDER_STEPS = 10_000


def work_cap() -> float:
    """The most CPU-seconds one run (or one Compare click) may be estimated to cost.

    NNLIB_MAX_CPU_SECONDS overrides the default of 60 (nnlib.cost.max_cpu_seconds)."""
    return max_cpu_seconds()


def trained_count(config: TrainConfig, data) -> int:
    """How many of data's training images the run trains on (its size and validation settings)."""
    return config.split_counts(len(data.y_train))[0]


def work_of(config: TrainConfig, data) -> float:
    """The run's estimated CPU-seconds on the training images it uses (nnlib.cost)."""
    return estimate_seconds(config, trained_count(config, data), len(data.y_test))


def cost_check(config: TrainConfig, data) -> CostCheck:
    """The estimate, the cap and what fits (most epochs, else smaller hidden sizes)."""
    return check_cost(config, trained_count(config, data), work_cap())


def extension_refusal(trainer, add_steps: int) -> str:
    """Why "+1 epoch" or "One step" may not grow the run ("" when it may): the grown run is judged
    like a new one, within the epochs' range and this server's work cap."""
    epochs = -(-(trainer.total_steps + add_steps) // trainer.batches_per_epoch)
    if epochs > EPOCHS_RANGE[1]:
        return t(
            "This run has reached {epochs} epochs, the most a run may have: start a new run.", epochs=EPOCHS_RANGE[1]
        )
    check = cost_check(trainer.config.replace(epochs=epochs), trainer.data)
    if not check.allowed:
        return t(
            "One more epoch would take this run past this server's cap of {cap} CPU-seconds: start a new, smaller run.",
            cap=f"{check.cap_s:,.0f}",
        )
    return ""


def refusal_values(check: CostCheck) -> dict[str, str]:
    """The values of the refusal text, formatted: estimate, cap, and what fits ("" if nothing).

    E.g. {"estimate": "1,936", "cap": "60", "epochs": "", "hidden": "577, 577, 577"} for
    hidden 4096,4096,4096 in float64 on the blog's digits.
    """
    return dict(
        estimate=f"{check.estimate_s:,.0f}",
        cap=f"{check.cap_s:,.0f}",
        epochs=str(check.fits_epochs) if check.fits_epochs else "",
        hidden=hidden_text(check.fits_hidden) if check.fits_hidden else "",
    )


def cost_words(check: CostCheck) -> str:
    """The cost line under the Train button: "about 4 CPU-seconds", or "under a CPU-second" (never "about 0")."""
    values = refusal_values(check)
    if check.estimate_s < 0.5:
        return t("This run: under a CPU-second of training (at most {cap} per run on this server).", cap=values["cap"])
    return t(
        "This run: about {estimate} CPU-seconds of training (at most {cap} per run on this server).",
        estimate=values["estimate"],
        cap=values["cap"],
    )


def hidden_text(hidden) -> str:
    return ", ".join(map(str, hidden))


def apply_preset() -> None:
    """Write the chosen preset's values into every settings widget."""
    key = st.session_state.get("preset", "seed")
    if key == CUSTOM:  # nothing to write: the widgets keep their values
        return
    st.session_state["preset_base"] = key
    for name, value in preset_widget_values(PRESETS[key]).items():
        st.session_state[name] = value


def preset_widget_values(config: TrainConfig) -> dict:
    """A config as the settings widgets' values, keyed by widget key."""
    return {f"cfg_{entry.name}": widget_value(entry.name, entry.read(config)) for entry in registry.SETTINGS}


def base_preset() -> str:
    """The preset the settings started from (the chosen one, or the last one before they changed)."""
    key = st.session_state.get("preset", "seed")
    return st.session_state.get("preset_base", "seed") if key == CUSTOM else key


def mark_changed_preset() -> None:
    """Show "your own settings" once a widget differs from the chosen preset.

    Called before the preset selector is drawn: choosing that preset again is then a
    change, which writes every field it names (a selector calls on_change only on a change).
    """
    state = st.session_state
    key = state.get("preset", "seed")
    if key == CUSTOM or key not in PRESETS:
        return
    expected = preset_widget_values(PRESETS[key])
    if any(name in state and not _same_setting(state[name], value) for name, value in expected.items()):
        state["preset_base"] = key
        state["preset"] = CUSTOM


def _same_setting(current, preset_value) -> bool:
    if isinstance(preset_value, list):
        return sorted(map(int, current)) == sorted(preset_value)
    if isinstance(preset_value, str) and preset_value.replace(" ", "") == str(current).replace(" ", ""):
        return True
    if isinstance(preset_value, float | int) and not isinstance(preset_value, bool):
        try:
            return np.isclose(float(current), float(preset_value))
        except (TypeError, ValueError):
            return False
    return current == preset_value


def ensure_widget_state() -> None:
    """Give the widgets their values: the last ones used, else the blog's preset.

    Streamlit forgets a widget's value when another page is shown, so the values
    are kept under a key of their own and restored here.
    """
    if "cfg_learning_rate" not in st.session_state:
        saved = st.session_state.get("saved_settings")
        if saved:
            st.session_state.update(saved)
        else:
            st.session_state["preset"] = "seed"
            apply_preset()
    mark_changed_preset()


def remember_widget_state() -> None:
    st.session_state["saved_settings"] = {
        key: value
        for key, value in st.session_state.items()
        if key.startswith("cfg_") or key in ("preset", "preset_base")
    }


def widget_for(entry: Setting) -> None:
    """The widget of one registry entry (kind, options or range, label, help), keyed cfg_<field>."""
    common = dict(key=f"cfg_{entry.name}", help=t(entry.help) if entry.help else None)
    label = t(entry.label)
    if entry.kind == registry.FLAG:
        st.checkbox(label, **common)
    elif entry.kind == registry.CHOICE:
        st.selectbox(label, list(entry.choices), format_func=lambda v: shown_value(entry.name, v), **common)
    elif entry.kind == registry.TEXT_LIST and entry.choices:
        st.multiselect(label, list(entry.choices), **common)
    elif entry.kind == registry.TEXT_LIST:
        st.text_input(label, **common)
    elif entry.values:
        st.select_slider(label, entry.values, format_func=lambda v: shown_value(entry.name, v), **common)
    elif entry.kind == registry.WHOLE and entry.high - entry.low > MOST_SLIDER_STEPS:
        st.number_input(label, entry.low, entry.high, step=1, **common)
    else:
        st.slider(label, entry.low, entry.high, step=entry.step, **common)


def group_widgets(group: str) -> None:
    """The widgets of one Train tab, in the registry's order."""
    for entry in registry.SETTINGS:
        if entry.group == group:
            widget_for(entry)


def data_widgets() -> None:
    group_widgets("data")


def network_widgets() -> None:
    group_widgets("network")


def training_widgets() -> None:
    group_widgets("training")


def from_widget(entry: Setting, value):
    """A widget's value as the TrainConfig field holds it (ConfigError for hidden sizes it cannot read)."""
    if entry.kind == registry.TEXT_LIST:
        return tuple(sorted(int(v) for v in value)) if entry.choices else entry.parse(value)
    convert = {registry.WHOLE: int, registry.NUMBER: float, registry.FLAG: bool}.get(entry.kind)
    return convert(value) if convert else value


def config_from_widgets() -> tuple[TrainConfig | None, dict[str, str]]:
    """The TrainConfig the widgets describe, and the problems found, in the session's language,
    keyed by where the page shows them: "hidden" and "digits" next to their fields, "" the rest."""
    state = st.session_state
    remember_widget_state()
    values, found = {}, []
    for entry in registry.SETTINGS:
        if entry.group and f"cfg_{entry.name}" in state:
            try:
                values[entry.name] = from_widget(entry, state[f"cfg_{entry.name}"])
            except ConfigError as error:
                found.append((entry.name, t("{setting}: {error}.", setting=t(entry.label), error=t_problem(error))))
    config = registry.with_settings(PRESETS[base_preset()], values)
    unread = {name for name, _ in found}
    for problem in config.problems():
        if problem.field not in unread:
            said = t_problem(problem)
            found.append((problem.field, t("{problem}.", problem=said[0].upper() + said[1:])))
    problems = {}
    for field, words in found:
        place = field if field in PLACED_APART else ""
        problems[place] = (problems.get(place, "") + " " + words).strip()
    return (None if problems else config), problems


# --- Settings changed by a click elsewhere (a hint's Apply): written into the widgets.

#: TrainConfig field -> its widget's label (English template, translated when shown)
FIELD_LABELS = {entry.name: entry.label for entry in registry.SETTINGS}


def compared_settings() -> list[str]:
    """The settings Compare offers to vary (TrainConfig fields), in the registry's order."""
    return [entry.name for entry in registry.SETTINGS if entry.compare]


def compare_label(name: str) -> str:
    """A setting's name on the Compare page, translated."""
    entry = registry.setting(name)
    return t(entry.compare_label or entry.label)


def widget_value(name: str, value):
    """A TrainConfig field's value as its widget holds it (hidden sizes as text, digits as a list)."""
    entry = registry.setting(name)
    if entry.kind == registry.TEXT_LIST:
        return list(value) if entry.choices else hidden_text(value)
    return value


def shown_value(name: str, value) -> str:
    """A setting's value as a person reads it: 0.5, ×5, all, 32, 16."""
    entry = registry.setting(name)
    if entry.kind == registry.TEXT_LIST:
        return str(value) if isinstance(value, str) else hidden_text(value)
    if value in entry.labels:
        return t(entry.labels[value])
    if entry.shown:
        return entry.shown.format(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def apply_settings(changes: dict) -> str:
    """Write changes (TrainConfig field -> value) into the settings widgets; say what changed.

    Called from a button's on_click, before the widgets are drawn again. Returns e.g.
    "Learning rate: 10 → 0.5" (translated), one part per field.
    """
    state, parts = st.session_state, []
    for name, value in changes.items():
        key = f"cfg_{name}"
        before = state.get(key)
        state[key] = widget_value(name, value)
        parts.append(
            t(
                "{setting}: {before} → {after}",
                setting=t(registry.setting(name).label),
                before=shown_value(name, before),
                after=shown_value(name, value),
            )
        )
    remember_widget_state()
    return "; ".join(parts)
