"""Compare: the blog's closing experiment — other sizes and settings, side by side."""
from ui.common import page_setup, prepared, run_in_background  # first: limits BLAS threads

import itertools
import tracemalloc

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from nnlib import INITS, PRESETS, ConfigError, Trainer, evaluate
from ui import charts
from ui.i18n import t
from ui.settings import PRESET_LABELS, work_cap, work_of

DIGIT_SETS = {"0,1": (0, 1), "3,8": (3, 8), "0-9": tuple(range(10))}
# setting -> (label, options, default choice, how to put a value into the config)
SETTINGS = {
    "hidden": ("Hidden layer size", [1, 2, 5, 10, 20, 50, 100, 200], [2, 10, 50],
               lambda v: {"hidden": (v,)}),
    "learning_rate": ("Learning rate", [0.0001, 0.001, 0.01, 0.1, 1.0], [0.001, 0.01, 0.1],
                      lambda v: {"learning_rate": v}),
    "batch_size": ("Batch size", [1, 8, 32, 128, 1024], [1, 32, 1024], lambda v: {"batch_size": v}),
    "init": ("Initialisation", list(INITS), ["glorot-uniform", "zeros"], lambda v: {"init": v}),
    "activation": ("Hidden activation", ["tanh", "sigmoid", "relu"], ["tanh", "relu"],
                   lambda v: {"activation": v}),
    "digits": ("Digits", list(DIGIT_SETS), ["0,1", "0-9"], lambda v: {"digits": DIGIT_SETS[v]}),
}
SETTING_NAMES = list(SETTINGS)
TABLE_COLUMNS = ("run", "test accuracy", "train s", "parameters", "parameter memory (KB)",
                 "peak training memory (MB)", "distinct W1 filters", "status")  # translated when shown

page_setup("Compare", "⚖️")
st.title(t("⚖️ Compare"))
st.markdown(t("The blog ends with an invitation: change the number of hidden neurons, keep everything "
              "else, and compare accuracy, training time and memory. Pick one or two settings and a few "
              "values; every combination is trained with the same seed."))

base_col, epochs_col = st.columns([3, 1])
preset = base_col.selectbox(t("Start from"), list(PRESET_LABELS), format_func=lambda k: t(PRESET_LABELS[k]),
                            key="cmp_preset", help=t("Every run uses this preset, changed only where you say."))
epochs = epochs_col.slider(t("Epochs per run"), 1, 10, 1, key="cmp_epochs",
                           help=t("Fewer epochs, quicker comparison."))
first_col, second_col = st.columns(2)
with first_col:
    first = st.selectbox(t("Vary"), SETTING_NAMES, format_func=lambda k: t(SETTINGS[k][0]), key="cmp_first",
                         help=t("The setting whose values you compare."))
    label, options, default, _ = SETTINGS[first]
    first_values = st.multiselect(t("Values of {setting}", setting=t(label)), options, default=default,
                                  key=f"cmp_values_{first}", help=t("One run per value."))
with second_col:
    others = [name for name in SETTING_NAMES if name != first]
    second = st.selectbox(t("And (optional)"), ["none", *others],
                          format_func=lambda k: t("nothing else") if k == "none" else t(SETTINGS[k][0]),
                          key="cmp_second", help=t("A second setting: every pair of values is run."))
    second_values = [None]
    if second != "none":
        label2, options2, default2, _ = SETTINGS[second]
        second_values = st.multiselect(t("Values of {setting}", setting=t(label2)), options2,
                                       default=default2[:2], key=f"cmp_values_{second}")


def run_configs():
    """(label, config) for every combination of the chosen values."""
    base = PRESETS[preset].replace(epochs=epochs, snapshots=0, evals_per_epoch=4)
    for a, b in itertools.product(first_values, second_values):
        changes = SETTINGS[first][3](a)
        name = f"{first}={a}"
        if b is not None:
            changes |= SETTINGS[second][3](b)
            name += f", {second}={b}"
        yield name, base.replace(**changes)


def peak_training_memory(config, batches: int = 20) -> int:
    """Peak bytes the run's own arrays hold: a short traced probe (tracemalloc slows
    NumPy down, so the timed run itself is not traced). Covers set-up, some
    batches and one evaluation, where the peak is reached."""
    tracing_here = not tracemalloc.is_tracing()
    if tracing_here:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    try:
        probe = Trainer(config, prepared(config))
        probe.advance(max_batches=batches)
        probe.evaluate_now()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        if tracing_here:
            tracemalloc.stop()


def summarise(name: str, trainer: Trainer, peak_bytes: int) -> dict:
    """The table row and the curves of one finished run."""
    network = trainer.network
    _, accuracy, _ = evaluate(network, trainer.data.X_test, trainer.data.y_test)
    W1 = network.params["W1"]
    distinct = len(np.unique(np.round(W1.astype(np.float64), 6), axis=0))
    epochs_x = np.asarray(trainer.history.batch_epochs)
    smoothed = charts.smooth(np.asarray(trainer.history.batch_losses), max(5, len(epochs_x) // 50))
    x, y = charts.thin(epochs_x, smoothed, limit=200)
    evals = trainer.history.evaluations
    row = dict(zip(TABLE_COLUMNS, (
        name, accuracy, trainer.train_seconds, network.parameter_count,
        sum(p.nbytes for p in network.params.values()) / 1024, peak_bytes / 2**20, distinct, trainer.status)))
    return {**row, "_loss": (x.tolist(), y.tolist()),
            "_accuracy": ([e.epoch for e in evals], [e.test_accuracy for e in evals])}


run_col, stop_col, clear_col = st.columns([2, 1, 3])
run_clicked = run_col.button(t("▶️ Run the comparison"), type="primary",
                             help=t("Train every combination, one after another."))
stop_col.button(t("⏹️ Stop"), help=t("Stop; finished runs are kept."))
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
        st.error(t("This comparison would process {work} images (training images × epochs, all runs); at "
                   "most {cap} are allowed per click on this server. Use fewer values or epochs.",
                   work=f"{total_work:,}", cap=f"{work_cap():,}"))
    else:
        progress = st.progress(0.0)
        run_in_background()
        done_work = 0
        for number, (name, config) in enumerate(plan, start=1):
            peak = peak_training_memory(config)
            trainer = Trainer(config, prepared(config))
            while not trainer.done:
                trainer.advance(max_seconds=0.3)
                share = done_work + work_of(config, trainer.data) * trainer.step / trainer.total_steps
                progress.progress(min(share / total_work, 1.0),
                                  text=t("Run {number} of {count}: {name} — epoch {epoch:.2f}",
                                         number=number, count=len(plan), name=name, epoch=trainer.epoch))
            runs.append(summarise(name, trainer, peak))
            done_work += work_of(config, trainer.data)
        progress.progress(1.0, text=t("{count} runs finished.", count=len(plan)))

if not runs:
    st.info(t("No runs yet. Try the blog's own question: hidden size 2, 10 and 50 on 0 and 1 — then on all "
              "ten digits. Or initialisation zeros against glorot-uniform to see the symmetry problem."))
    st.stop()

table = pd.DataFrame([{k: v for k, v in run.items() if not k.startswith("_")} for run in runs])
formats = {"test accuracy": "{:.2%}", "train s": "{:.2f}", "parameter memory (KB)": "{:.1f}",
           "peak training memory (MB)": "{:.2f}"}
shown = table.rename(columns=lambda column: t(column))
st.dataframe(shown.style.format({t(column): style for column, style in formats.items()}),
             hide_index=True, width="stretch")
st.caption(t("Peak training memory: the most memory the run's own arrays held at once (tracemalloc), "
             "beyond the shared dataset. Distinct W1 filters: how many hidden neurons are really different "
             "— with zero initialisation they all stay the same, so the layer acts like one neuron."))
st.download_button(t("⬇️ Export as CSV"), table.to_csv(index=False).encode(), file_name="nnlib-comparison.csv",
                   mime="text/csv", help=t("The table above, for a spreadsheet."))

loss_fig, accuracy_fig = go.Figure(), go.Figure()
for run in runs:
    loss_fig.add_scatter(x=run["_loss"][0], y=run["_loss"][1], mode="lines", name=run["run"])
    accuracy_fig.add_scatter(x=run["_accuracy"][0], y=[100 * a for a in run["_accuracy"][1]],
                             mode="lines+markers", name=run["run"])
loss_fig.update_xaxes(title=t("epoch"))
loss_fig.update_yaxes(title=t("batch loss (smoothed)"), type="log")
accuracy_fig.update_xaxes(title=t("epoch"))
accuracy_fig.update_yaxes(title=t("test accuracy (%)"), ticksuffix="%")
left, right = st.columns(2)
left.plotly_chart(charts.layout(loss_fig, t("Loss of every run"), height=420), key="cmp-loss")
right.plotly_chart(charts.layout(accuracy_fig, t("Test accuracy of every run"), height=420), key="cmp-accuracy")
st.caption(t("ⓘ One line per run. Which learns fastest? Which ends highest?"))
