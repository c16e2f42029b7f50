"""Compare: the blog's closing experiment — other sizes and settings, side by side."""

import streamlit as st

from nnlib import PRESETS
from nnlib.registry import setting
from ui import charts
from ui.compare import plan_refusal, plan_runs, run_plan, stop_running
from ui.display import show_chart
from ui.exports import inert_csv
from ui.i18n import t
from ui.settings import PRESET_LABELS, compare_label, compared_settings, shown_value
from ui.state import clear_compare_runs, compare_runs, runs_table

ACCURACY_SPAN = 5.0  # points of accuracy the chart shows at least: small differences look small
SETTING_NAMES = compared_settings()

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

run_col, stop_col, clear_col = st.columns([2, 1, 3])
run_clicked = run_col.button(
    t("▶️ Run the comparison"), type="primary", help=t("Train every combination, one after another.")
)
if stop_col.button(t("⏹️ Stop"), help=t("Stop; finished runs are kept.")):
    stop_running()
if clear_col.button(t("🗑️ Clear runs"), help=t("Forget all runs of this session.")):
    clear_compare_runs()

if run_clicked:
    plan = plan_runs(preset, epochs, first, first_values, None if second == "none" else second, second_values)
    problem = plan_refusal(plan)
    if problem is None:
        progress = st.progress(0.0)
        problem = run_plan(plan, lambda share, words: progress.progress(share, text=words))
        if problem is None:
            progress.progress(1.0, text=t("{count} runs finished.", count=len(plan)))
    if problem:
        st.error(problem)

runs = compare_runs()
if not runs:
    st.info(
        t(
            "No runs yet. Try the blog's own question: hidden size 2, 10 and 50 on 0 and 1 — then on all "
            "ten digits. Or initialisation zeros against glorot-uniform to see the symmetry problem."
        )
    )
    st.stop()

table, formats = runs_table(runs)
st.dataframe(table.style.format(formats), hide_index=True, width="stretch")
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
            [(run.name, *run.loss_curve) for run in runs],
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
            [(run.name, run.accuracy_curve[0], [100 * a for a in run.accuracy_curve[1]]) for run in runs],
            t("Test accuracy of every run"),
            y_title=t("test accuracy (%)"),
            x_title=t("epoch"),
            min_span=ACCURACY_SPAN,
        ),
        "cmp-accuracy",
    )
st.caption(t("ⓘ One line per run. Which learns fastest? Which ends highest?"))
