"""Compare: the blog's closing experiment — other sizes and settings, side by side."""

import itertools

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import PRESETS, ConfigError, evaluate
from nnlib.measure import distinct_filters, parameter_bytes, peak_training_memory
from nnlib.registry import setting, with_settings
from ui import charts
from ui.data import prepared
from ui.display import show_chart
from ui.exports import inert_csv
from ui.i18n import t
from ui.runtime import run_in_background
from ui.settings import PRESET_LABELS, compare_label, compared_settings, shown_value, work_cap, work_of
from ui.training import new_trainer

ACCURACY_SPAN = 5.0  # points of accuracy the chart shows at least: small differences look small
SETTING_NAMES = compared_settings()
TABLE_COLUMNS = (
    "run",
    "test accuracy",
    "train s",  # CPU-seconds the worker spent: the network's cost, the same on a busy server
    "wall s",
    "parameters",
    "parameter memory (KB)",
    "peak training memory (MB)",
    "distinct W1 filters",
    "status",
)  # translated when shown

st.title(t("⚖️ Compare"))
st.markdown(
    t(
        "The blog ends with an invitation: change the number of hidden neurons, keep everything "
        "else, and compare accuracy, training time and memory. Pick one or two settings and a few "
        "values; every combination is trained with the same seed."
    )
)

base_col, epochs_col = st.columns([3, 1])
preset = base_col.selectbox(
    t("Start from"),
    list(PRESETS),
    format_func=lambda k: t(PRESET_LABELS[k]),
    key="cmp_preset",
    help=t("Every run uses this preset, changed only where you say."),
)
epochs = epochs_col.slider(t("Epochs per run"), 1, 10, 1, key="cmp_epochs", help=t("Fewer epochs, quicker comparison."))
first_col, second_col = st.columns(2)
with first_col:
    first = st.selectbox(
        t("Vary"),
        SETTING_NAMES,
        index=SETTING_NAMES.index("hidden"),  # the blog's invitation: other numbers of hidden neurons
        format_func=compare_label,
        key="cmp_first",
        help=t("The setting whose values you compare."),
    )
    first_values = st.multiselect(
        t("Values of {setting}", setting=compare_label(first)),
        setting(first).compare,
        default=setting(first).compare_defaults,
        format_func=lambda v: shown_value(first, v),
        key=f"cmp_values_{first}",
        help=t("One run per value."),
    )
with second_col:
    others = [name for name in SETTING_NAMES if name != first]
    second = st.selectbox(
        t("And (optional)"),
        ["none", *others],
        format_func=lambda k: t("nothing else") if k == "none" else compare_label(k),
        key="cmp_second",
        help=t("A second setting: every pair of values is run."),
    )
    second_values = [None]
    if second != "none":
        second_values = st.multiselect(
            t("Values of {setting}", setting=compare_label(second)),
            setting(second).compare,
            default=setting(second).compare_defaults[:2],
            format_func=lambda v: shown_value(second, v),
            key=f"cmp_values_{second}",
        )


def run_configs():
    """(label, config) for every combination of the chosen values."""
    base = PRESETS[preset].replace(epochs=epochs, snapshots=0, evals_per_epoch=4)
    for a, b in itertools.product(first_values, second_values):
        changes = {first: a}
        name = f"{first}={setting(first).plain(a)}"
        if b is not None:
            changes[second] = b
            name += f", {second}={setting(second).plain(b)}"
        yield name, with_settings(base, changes)


def summarise(name: str, trainer, peak_bytes: int) -> dict:
    """The table row and the curves of one finished run."""
    network = trainer.network
    _, accuracy, _ = evaluate(network, trainer.data.X_test, trainer.data.y_test)
    epochs_x = np.asarray(trainer.history.batch_epochs)
    smoothed = charts.smooth(np.asarray(trainer.history.batch_losses), charts.smoothing_span(len(epochs_x)))
    x, y = charts.thin(epochs_x, smoothed, limit=200)
    evals = trainer.history.evaluations
    row = dict(
        zip(
            TABLE_COLUMNS,
            (
                name,
                accuracy,
                trainer.cpu_seconds,
                trainer.train_seconds,
                network.parameter_count,
                parameter_bytes(network) / 1024,
                peak_bytes / 2**20,
                distinct_filters(network.params["W1"]),
                trainer.status,
            ),
        )
    )
    return {
        **row,
        "_loss": (x.tolist(), y.tolist()),
        "_accuracy": ([e.epoch for e in evals], [e.test_accuracy for e in evals]),
        "_config": trainer.config,  # what the Class page posts, exactly
    }


run_col, stop_col, clear_col = st.columns([2, 1, 3])
run_clicked = run_col.button(
    t("▶️ Run the comparison"), type="primary", help=t("Train every combination, one after another.")
)
if stop_col.button(t("⏹️ Stop"), help=t("Stop; finished runs are kept.")):
    running = st.session_state.pop("compare_trainer", None)
    if running is not None:
        running.stop()  # the worker stops now, not when it notices nobody watches
if clear_col.button(t("🗑️ Clear runs"), help=t("Forget all runs of this session.")):
    st.session_state["compare_runs"] = []
runs = st.session_state.setdefault("compare_runs", [])

if run_clicked:
    plan = list(run_configs())
    try:
        for _, config in plan:
            config.validate()
    except ConfigError as error:
        st.error(t("These settings cannot be trained: {error}.", error=error))
        st.stop()
    total_work = sum(work_of(config, prepared(config)) for _, config in plan)
    if not plan:
        st.warning(t("Choose at least one value."))
    elif total_work > work_cap():
        st.error(
            t(
                "This comparison would take about {work} CPU-seconds (all runs); at most {cap} are allowed per "
                "click on this server. Use fewer values or epochs.",
                work=f"{total_work:,.0f}",
                cap=f"{work_cap():,.0f}",
            )
        )
    else:
        progress = st.progress(0.0)
        run_in_background()
        done_work = 0
        for number, (name, config) in enumerate(plan, start=1):
            peak = peak_training_memory(config, prepared(config))
            trainer = new_trainer(config, prepared(config))
            st.session_state["compare_trainer"] = trainer  # for Stop
            while not trainer.done:
                trainer.advance(max_seconds=0.3)
                share = done_work + work_of(config, trainer.data) * trainer.step / trainer.total_steps
                progress.progress(
                    min(share / total_work, 1.0),
                    text=t(
                        "Run {number} of {count}: {name} — epoch {epoch:.2f}",
                        number=number,
                        count=len(plan),
                        name=name,
                        epoch=trainer.epoch,
                    ),
                )
            runs.append(summarise(name, trainer, peak))
            done_work += work_of(config, trainer.data)
        progress.progress(1.0, text=t("{count} runs finished.", count=len(plan)))

if not runs:
    st.info(
        t(
            "No runs yet. Try the blog's own question: hidden size 2, 10 and 50 on 0 and 1 — then on all "
            "ten digits. Or initialisation zeros against glorot-uniform to see the symmetry problem."
        )
    )
    st.stop()

table = pd.DataFrame([{k: v for k, v in run.items() if not k.startswith("_")} for run in runs])
formats = {
    "test accuracy": "{:.2%}",
    "train s": "{:.2f}",
    "wall s": "{:.2f}",
    "parameter memory (KB)": "{:.1f}",
    "peak training memory (MB)": "{:.2f}",
}
shown = table.rename(columns=lambda column: t(column))
st.dataframe(
    shown.style.format({t(column): style for column, style in formats.items()}), hide_index=True, width="stretch"
)
st.caption(
    t(
        "Peak training memory: the most memory the run's own arrays held at once (tracemalloc), "
        "beyond the shared dataset. Distinct W1 filters: how many hidden neurons are really different "
        "— with zero initialisation they all stay the same, so the layer acts like one neuron."
    )
)
st.download_button(
    t("⬇️ Export as CSV"),
    inert_csv(table),
    file_name="nnlib-comparison.csv",
    mime="text/csv",
    help=t("The table above, for a spreadsheet."),
)

left, right = st.columns(2)
with left:
    show_chart(
        charts.runs_figure(
            [(run["run"], *run["_loss"]) for run in runs],
            t("Loss of every run"),
            y_title=t("batch loss (smoothed)"),
            x_title=t("epoch"),
            log_y=True,
        ),
        "cmp-loss",
    )
with right:
    show_chart(
        charts.runs_figure(
            [(run["run"], run["_accuracy"][0], [100 * a for a in run["_accuracy"][1]]) for run in runs],
            t("Test accuracy of every run"),
            y_title=t("test accuracy (%)"),
            x_title=t("epoch"),
            min_span=ACCURACY_SPAN,
        ),
        "cmp-accuracy",
    )
st.caption(t("ⓘ One line per run. Which learns fastest? Which ends highest?"))
