"""The Train page's settings: one widget per TrainConfig field, the URL that carries them.

Widget values live in st.session_state under "cfg_<field>"; a preset writes them all
at once. The choices and limits come from nnlib.config, the one place that defines
them; ``settings_problems`` says what is wrong with the widgets' values, field by
field, so the page can show each message next to its field.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from nnlib import ACTIVATIONS, INITS, OUTPUTS, PRESETS, ConfigError, TrainConfig
from nnlib.config import (
    ALL_IMAGES,
    AUGMENT_RANGE,
    AUGMENT_STEP,
    BATCH_SIZES,
    DROPOUT_RANGE,
    DROPOUT_STEP,
    DTYPES,
    EPOCHS_RANGE,
    FULL_BATCH,
    HIDDEN_SIZE_RANGE,
    INIT_SCALES,
    L2_VALUES,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MOMENTUM_RANGE,
    MOMENTUM_STEP,
    NORMALIZATIONS,
    SCHEDULES,
    SEED_RANGE,
    TRAIN_SIZE_RANGE,
    TRAIN_SIZES,
    VALIDATION_RANGE,
    VALIDATION_STEP,
    parse_digits,
    parse_hidden,
)
from nnlib.cost import CostCheck, check_cost, estimate_seconds, max_cpu_seconds
from ui.i18n import t, t_problem

CUSTOM = "custom"  # the preset selector's value once a setting differs from the chosen preset
# One name per preset everywhere (Home, README, here): the name, then what it is. The keys are
# the URL's and the command line's (?preset=class, --preset class). English templates, translated when shown.
PRESET_LABELS = {
    "seed": "The blog: 0 vs 1, 784-10-2, per-sample SGD",
    "class": "All ten digits, quick: 784-192-10, 5 epochs",
    "digits": "All ten digits, 784-256-128-10",
    "robust": "Anyone's handwriting, 784-512-256-10, minutes of training: the shipped model",
    CUSTOM: "Your own settings (a preset, changed): choose a preset to start again from it",
}
SCHEDULE_LABELS = {"constant": "constant", "step": "step: halve at 50% and 75%", "cosine": "cosine"}


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
    """A preset as the settings widgets' values, keyed by widget key."""
    values = {f"cfg_{name}": value for name, value in config.to_dict().items()}
    values["cfg_digits"] = list(config.digits)
    values["cfg_hidden"] = hidden_text(config.hidden)
    return values


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


def data_widgets() -> None:
    st.multiselect(
        t("Digits"),
        list(range(10)),
        key="cfg_digits",
        help=t("Which digits to tell apart. The blog: 0 and 1. Try 3 and 8, or all ten."),
    )
    st.selectbox(
        t("Normalisation"),
        list(NORMALIZATIONS),
        key="cfg_normalization",
        format_func=lambda v: t("min-max per image (blog)") if v == "minmax" else "÷ 255",
        help=t("How pixels 0-255 become 0-1 numbers. On MNIST both give almost the same."),
    )
    st.slider(
        t("Augmentation"),
        *AUGMENT_RANGE,
        step=AUGMENT_STEP,
        key="cfg_augment",
        help=t(
            "Randomly slant, rotate and thicken training images, so hand drawings are read better. Slower; 0 = off."
        ),
    )
    st.checkbox(
        t("Shuffle each epoch"),
        key="cfg_shuffle",
        help=t("The blog goes through the file in order. Shuffling usually helps."),
    )
    st.select_slider(
        t("Training-set size"),
        TRAIN_SIZES,
        key="cfg_train_size",
        format_func=lambda v: t("all") if v == ALL_IMAGES else f"{v:,}",
        help=t("Train on only the first images. With 100 the network learns them by heart: overfitting on purpose."),
    )
    st.slider(
        t("Validation share"),
        *VALIDATION_RANGE,
        step=VALIDATION_STEP,
        key="cfg_validation",
        help=t(
            "Hold out this share of the training images: the charts show how the network does on images it never "
            "trained on, without peeking at the test set. 0 = none."
        ),
    )


def network_widgets() -> None:
    st.text_input(
        t("Hidden layer sizes"),
        key="cfg_hidden",
        help=t(
            "Neurons per hidden layer, e.g. 10 (the blog) or 256, 128 for two layers. Try 1, 2, 10, 100 and compare."
        ),
    )
    st.selectbox(
        t("Hidden activation"),
        sorted(ACTIVATIONS),
        key="cfg_activation",
        help=t("The blog uses tanh. ReLU trains faster in deep networks."),
    )
    st.selectbox(
        t("Output"),
        sorted(OUTPUTS),
        key="cfg_output",
        format_func=lambda v: t("sigmoid (blog)") if v == "sigmoid" else "softmax",
        help=t(
            "sigmoid: each output on its own, with binary cross-entropy (the blog); softmax: outputs that add up "
            "to 1, with cross-entropy. Both give dZ = A − Y at the output, as the blog derives."
        ),
    )
    st.selectbox(
        t("Initialisation"),
        list(INITS),
        key="cfg_init",
        help=t("The blog: Glorot-uniform. Try zeros: every neuron stays the same."),
    )
    st.select_slider(
        t("Initial-weight scale"),
        INIT_SCALES,
        key="cfg_init_scale",
        format_func=lambda v: f"×{v:g}",
        help=t("Multiplies every initial weight. ×0.1: signals fade layer by layer; ×5: sigmoid and tanh saturate."),
    )
    st.slider(
        t("Dropout"),
        *DROPOUT_RANGE,
        step=DROPOUT_STEP,
        key="cfg_dropout",
        help=t(
            "While training, switch off this share of each hidden layer's neurons at random, per image; never "
            "when testing. It fights overfitting. 0 = off."
        ),
    )
    st.selectbox(
        t("Precision"),
        list(reversed(DTYPES)),
        key="cfg_dtype",
        help=t("float32 is about twice as fast and accurate enough to train."),
    )


def training_widgets() -> None:
    st.select_slider(
        t("Learning rate"),
        LEARNING_RATES,
        key="cfg_learning_rate",
        format_func=lambda v: f"{v:g}",
        help=t("Step size of gradient descent, on a log scale. Try 10 to see it diverge."),
    )
    st.slider(t("Epochs"), *EPOCHS_RANGE, key="cfg_epochs", help=t("Passes over all training images."))
    st.select_slider(
        t("Batch size"),
        BATCH_SIZES,
        key="cfg_batch_size",
        format_func=lambda v: t("all") if v == FULL_BATCH else str(v),
        help=t("Images per gradient step. 1 = the blog's per-sample SGD; all = full batch."),
    )
    st.slider(
        t("Momentum"),
        *MOMENTUM_RANGE,
        step=MOMENTUM_STEP,
        key="cfg_momentum",
        help=t("Carries part of the last step into the next; 0.9 is usual, 0 = plain SGD."),
    )
    st.select_slider(
        t("L2 weight decay"),
        L2_VALUES,
        key="cfg_l2",
        format_func=lambda v: f"{v:g}",
        help=t("Pulls weights towards zero a little every step."),
    )
    st.selectbox(
        t("Schedule"),
        list(SCHEDULES),
        key="cfg_schedule",
        format_func=lambda v: t(SCHEDULE_LABELS[v]),
        help=t("How the learning rate changes: constant (blog), halved at 50% and 75%, or a smooth cosine down to 0."),
    )
    st.number_input(
        t("Seed"), *SEED_RANGE, step=1, key="cfg_seed", help=t("Same seed, same settings: the same result every time.")
    )


def config_from_widgets() -> tuple[TrainConfig | None, dict[str, str]]:
    """The TrainConfig the widgets describe, and the problems found, keyed by field
    ("hidden", "digits", ... or "" for the rest), already in the session's language."""
    state = st.session_state
    remember_widget_state()
    problems = {}
    try:
        hidden = parse_hidden(state["cfg_hidden"])
    except ConfigError as error:
        problems["hidden"] = t("Hidden layer sizes: {error}.", error=t_problem(error))
        hidden = (1,)
    preset = PRESETS[base_preset()]
    config = preset.replace(
        digits=tuple(sorted(int(d) for d in state["cfg_digits"])),
        hidden=hidden,
        activation=state["cfg_activation"],
        output=state["cfg_output"],
        init=state["cfg_init"],
        learning_rate=float(state["cfg_learning_rate"]),
        epochs=int(state["cfg_epochs"]),
        batch_size=int(state["cfg_batch_size"]),
        momentum=float(state["cfg_momentum"]),
        l2=float(state["cfg_l2"]),
        schedule=state["cfg_schedule"],
        seed=int(state["cfg_seed"]),
        dtype=state["cfg_dtype"],
        normalization=state["cfg_normalization"],
        shuffle=bool(state["cfg_shuffle"]),
        augment=float(state["cfg_augment"]),
        dropout=float(state["cfg_dropout"]),
        validation=float(state["cfg_validation"]),
        train_size=int(state["cfg_train_size"]),
        init_scale=float(state["cfg_init_scale"]),
    )
    for problem in config.problems():
        field = "hidden" if "hidden" in problem else "digits" if "digit" in problem else ""
        problems.setdefault(field, "")
        said = t_problem(problem)
        problems[field] = (problems[field] + " " + t("{problem}.", problem=said[0].upper() + said[1:])).strip()
    return (None if problems else config), problems


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


def _digits(text: str):
    try:
        digits = list(parse_digits(text))
    except ConfigError:
        raise ValueError(text) from None
    return digits, None


def _hidden(text: str):
    try:
        sizes = parse_hidden(text)
    except ConfigError:
        raise ValueError(text) from None
    low, high = HIDDEN_SIZE_RANGE
    if not sizes or any(not low <= size <= high for size in sizes) or len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(text)  # a wrong size is dropped with a note, never silently changed
    return hidden_text(sizes), None


def _flag(text: str):
    if text.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(text)
    return text.lower() in ("1", "true", "yes"), None


def _train_size(text: str):
    """0 = all images; else the nearest size the slider offers (log scale)."""
    value = float(text)
    if value == ALL_IMAGES:
        return ALL_IMAGES, None
    low, high = TRAIN_SIZE_RANGE
    if not low <= value <= high:
        raise ValueError(text)
    return _nearest([size for size in TRAIN_SIZES if size != ALL_IMAGES])(text)


# URL key -> (widget key, parser, how to write the widget's value back)
QUERY_FIELDS = {
    "digits": ("cfg_digits", _digits, lambda v: ",".join(map(str, v))),
    "hidden": ("cfg_hidden", _hidden, lambda v: str(v).replace(" ", "")),
    "act": ("cfg_activation", _choice(list(ACTIVATIONS)), str),
    "out": ("cfg_output", _choice(list(OUTPUTS)), str),
    "init": ("cfg_init", _choice(list(INITS)), str),
    "lr": ("cfg_learning_rate", _nearest(LEARNING_RATES), lambda v: f"{v:g}"),
    "epochs": ("cfg_epochs", _whole_in(*EPOCHS_RANGE), str),
    "batch": ("cfg_batch_size", _nearest(BATCH_SIZES), str),
    "momentum": ("cfg_momentum", _number_in(*MOMENTUM_RANGE, MOMENTUM_STEP), lambda v: f"{v:g}"),
    "l2": ("cfg_l2", _nearest([v for v in L2_VALUES if v > 0] + [0.0]), lambda v: f"{v:g}"),
    "schedule": ("cfg_schedule", _choice(list(SCHEDULES)), str),
    "seed": ("cfg_seed", _whole_in(*SEED_RANGE), str),
    "dtype": ("cfg_dtype", _choice(list(DTYPES)), str),
    "norm": ("cfg_normalization", _choice(list(NORMALIZATIONS)), str),
    "shuffle": ("cfg_shuffle", _flag, lambda v: str(int(v))),
    "augment": ("cfg_augment", _number_in(*AUGMENT_RANGE, AUGMENT_STEP), lambda v: f"{v:g}"),
    "dropout": ("cfg_dropout", _number_in(*DROPOUT_RANGE, DROPOUT_STEP), lambda v: f"{v:g}"),
    "val": ("cfg_validation", _number_in(*VALIDATION_RANGE, VALIDATION_STEP), lambda v: f"{v:g}"),
    "size": ("cfg_train_size", _train_size, str),
    "wscale": ("cfg_init_scale", _nearest(INIT_SCALES), lambda v: f"{v:g}"),
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
        parts.append(f"{change.step}:{key}={QUERY_FIELDS[key][2](change.value)}")
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
            value, adjusted = QUERY_FIELDS[key][1](value_text)
        except (ValueError, OverflowError):
            ignored.append(f"knobs={entry[:40]}")
            continue
        plan.append((step, fields[key], float(value)))
        if adjusted is not None:
            changed.append(f"knobs={entry[:40]} → {step}:{key}={QUERY_FIELDS[key][2](adjusted)}")
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
    return {name: write(values[widget_key]) for name, (widget_key, _, write) in QUERY_FIELDS.items()}


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
    fixed = [name for name in QUERY_FIELDS if name not in KNOB_KEYS.values() and name != "epochs"]
    if any(run[name] != query.get(name) for name in fixed):
        return query
    return {**query, **{key: run[key] for key in KNOB_KEYS.values()}, "knobs": knobs_text(changes)}


def plan_words(plan) -> str:
    """A plan as a person reads it: "from batch 31, Learning rate 0.5; from batch 56, Momentum 0.9"."""
    return "; ".join(
        t("from batch {step}, {setting} {value}", step=f"{step:,}", setting=t(FIELD_LABELS[name]), value=f"{value:g}")
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
    if not any(key in query for key in ("preset", "knobs", *QUERY_FIELDS)):
        return [], []
    ignored, changed = [], []
    preset = query.get("preset", "seed")
    if preset not in PRESETS:
        ignored.append(f"preset={preset[:40]}")
        preset = "seed"
    st.session_state["preset"] = preset
    apply_preset()
    for name, (widget_key, parse, write) in QUERY_FIELDS.items():
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
    for name, (widget_key, _, write) in QUERY_FIELDS.items():
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


# --- Settings changed by a click elsewhere (a hint's Apply): written into the widgets.

#: TrainConfig field -> its widget's label (English template, translated when shown)
FIELD_LABELS = {
    "learning_rate": "Learning rate",
    "epochs": "Epochs",
    "momentum": "Momentum",
    "l2": "L2 weight decay",
    "dropout": "Dropout",
    "augment": "Augmentation",
    "train_size": "Training-set size",
    "validation": "Validation share",
    "init_scale": "Initial-weight scale",
    "init": "Initialisation",
    "activation": "Hidden activation",
    "hidden": "Hidden layer sizes",
}


def widget_value(name: str, value):
    """A TrainConfig field's value as its widget holds it (hidden sizes as text)."""
    return hidden_text(value) if name == "hidden" else value


def shown_value(name: str, value) -> str:
    """A setting's value as a person reads it: 0.5, ×5, all, 32, 16."""
    if name == "hidden":
        return str(value) if isinstance(value, str) else hidden_text(value)
    if name == "train_size" and value == ALL_IMAGES:
        return t("all")
    if name == "init_scale":
        return f"×{value:g}"
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
                setting=t(FIELD_LABELS[name]),
                before=shown_value(name, before),
                after=shown_value(name, value),
            )
        )
    remember_widget_state()
    return "; ".join(parts)
