"""Train: a preset, the buttons and the live charts on the first screen; every setting beside them."""

import streamlit as st

from ui import charts
from ui.data import prepared
from ui.display import literal, show_chart
from ui.i18n import t
from ui.links import apply_query_params, link_knobs_words, link_to_settings, planned_knobs_words, settings_query
from ui.runtime import timers_rerun_fragments
from ui.settings import (
    PRESET_LABELS,
    apply_preset,
    config_from_widgets,
    cost_check,
    cost_words,
    data_widgets,
    ensure_widget_state,
    network_widgets,
    training_widgets,
)
from ui.train_run import (
    Keys,
    begin,
    current_run,
    ended_words,
    extend,
    new_run,
    pace_live_panel,
    pause,
    send_live_controls,
    stop,
    train_again,
    training_words,
    wait_for_end,
    watch,
)
from ui.train_view import TrainBoxes, draw, draw_queued, model_files_section, show_hints, show_results
from ui.training import job_pool, limits_words

st.title(t("🏋️ Train"))
ignored, changed = apply_query_params()
if ignored or changed:
    parts = []
    if ignored:
        parts.append(t("left out (not understood): {items}", items=", ".join(map(literal, ignored))))
    if changed:
        parts.append(t("moved to the nearest allowed value: {items}", items=", ".join(map(literal, changed))))
    st.warning(t("Some settings in the link were changed: {parts}.", parts="; ".join(parts)))
ensure_widget_state()
if knobs_plan_words := planned_knobs_words():
    st.info(knobs_plan_words)
job_pool()  # the worker processes start while the settings are chosen
run = current_run()
trainer, training = run.trainer, run.training

# --- The first screen: preset, buttons, what the run is doing.
preset_col, train_col, stop_col, resume_col = st.columns([4, 1.2, 1.2, 1.3], vertical_alignment="bottom")
preset_col.selectbox(
    t("Preset"),
    list(PRESET_LABELS),
    format_func=lambda key: t(PRESET_LABELS[key]),
    key="preset",
    on_change=apply_preset,
    help=t(
        "Starting settings. The blog's: 0 vs 1, 784-10-2, one pass of per-sample SGD. "
        "All ten digits: a bigger network that reaches about 99%."
    ),
)
status_box = st.empty()
cost_box = st.empty()
progress_box = st.empty()
# Run control: a teacher's hands on the run (the worker obeys before its next batch).
with st.container(horizontal=True, key="run-control"):
    pause_clicked = st.button(t("Pause"), disabled=not training, help=t("Hold the run where it is; Continue goes on."))
    continue_clicked = st.button(t("Continue"), disabled=not run.paused, help=t("Carry on from where it paused."))
    epoch_clicked = st.button(
        t("+1 epoch"),
        disabled=not run.can_extend,
        help=t("Exactly one more pass over the training images, then pause."),
    )
    step_clicked = st.button(t("One step"), disabled=not run.can_extend, help=t("Exactly one batch, then pause."))
    slow_motion = st.toggle(
        t("Slow motion"),
        key=Keys.SLOW_MOTION,
        help=t("A pause after every batch, so a class can watch the filters change."),
    )
hints_box = st.container(key="hints")  # the coach: what went wrong in the last run, and a fix
# The charts' column first: a phone stacks columns in order, so the live loss and the Test accuracy
# come before the settings there; a projector shows them side by side.
charts_col, settings_col = st.columns([2, 1], gap="medium")
with settings_col:
    data_tab, network_tab, training_tab = st.tabs([t("Data"), t("Network"), t("Training")])
    with data_tab:
        data_widgets()
    with network_tab:
        network_widgets()
    with training_tab:
        training_widgets()
    config, problems = config_from_widgets()
    for tab, field in ((network_tab, "hidden"), (data_tab, "digits"), (training_tab, "")):
        if field in problems:  # next to its field
            tab.error(problems[field])

train_clicked = train_col.button(
    t("▶️ Train"),
    type="primary",
    width="stretch",
    disabled=config is None,
    help=t("Start a new run with these settings."),
)
stop_clicked = stop_col.button(
    t("⏹️ Stop"), width="stretch", disabled=not training, help=t("Stop now; the partly trained model is kept.")
)
can_resume = run.can_resume(stop_clicked)
resume_clicked = resume_col.button(
    t("⏯️ Resume"), width="stretch", disabled=not can_resume, help=t("Carry on with a stopped run.")
)

st.query_params.from_dict(
    {**settings_query(), **({"lang": st.session_state["lang"]} if st.session_state.get("lang", "en") != "en" else {})}
)
with charts_col:
    loss_box, metrics_box, accuracy_box = st.empty(), st.empty(), st.empty()
    st.caption(
        t(
            "ⓘ Grey: each batch's loss; black: smoothed; blue circles and orange diamonds (dashed): the loss and "
            "accuracy on all train and test images. Test far below train means overfitting. Try learning "
            "rate 10 to see the loss explode."
        )
    )
    if config is not None and config.validation:
        st.toggle(
            t("Show the test set"),
            key="show_test",
            help=t(
                "Hidden while you tune on the validation images: settings chosen by their test score make the "
                "test set one more thing the run was fitted to, and its score no longer says how new images go."
            ),
        )
    diagram_box = st.empty()
    with st.container(key="diagnostics"):
        diagnostics_box = st.empty()
boxes = TrainBoxes(progress_box, loss_box, accuracy_box, diagram_box, diagnostics_box, metrics_box, hints_box)
results_box = st.empty()  # emptied at once when a new run starts
# A container, not a placeholder: a placeholder is emptied at the start of every rerun, which
# unmounted the file uploader mid-upload (a second model file was lost on a busy server).
files_box = st.container()

if config is None:
    status_box.error(t("These settings cannot be trained — {problems}", problems=" ".join(problems.values())))

if stop_clicked and run.training:
    stop(trainer)
    run = current_run()
    training = run.training

refused = ""  # why the Train click started nothing
if train_clicked and config is not None:
    started, refused = new_run(config)
    if started is not None:
        results_box.empty()  # the last run's results go at once
        metrics_box.empty()
        begin(started, config)  # draw the page (sidebar, buttons) for the new run, then train
if trainer is not None:
    send_live_controls(run, config, slow_motion)
if pause_clicked and training:
    pause(trainer)
if continue_clicked and run.paused:
    train_again(trainer.resume)
for clicked, add_steps in ((epoch_clicked, trainer and trainer.batches_per_epoch), (step_clicked, 1)):
    if clicked and run.can_extend and (refusal := extend(trainer, add_steps)):
        status_box.warning(refusal)
if resume_clicked and can_resume:
    train_again()  # Stop enabled, Resume disabled while it runs
if config is not None and not training:
    check = cost_check(config, prepared(config))
    cost_box.caption(cost_words(check) + " " + limits_words(job_pool()))


with files_box:  # before the training loop: a run's page never shows a stale, clickable upload
    st.divider()
    with st.expander(t("🔗 Link to these settings")):
        st.code(link_to_settings(), language=None)
        st.caption(t("Copy it (button at the right) and hand it out: it opens this page with these settings."))
        if knobs_words := link_knobs_words():
            st.caption(knobs_words)
    model_files_section(busy=training)


if trainer is not None and training:
    st.caption(
        t(
            "While it trains, the learning rate, momentum, L2, dropout and augmentation act from the next batch "
            "(a line on the loss chart marks each change); the other settings wait for the next run."
        )
    )
    status_box.info(training_words(trainer))
    if timers_rerun_fragments():
        st.fragment(run_every=pace_live_panel())(watch)(
            trainer, lambda run: draw_queued(run, boxes), lambda run: draw(run, boxes, live=True)
        )
    else:  # AppTest: no timer reruns the fragment, so wait for the end here
        wait_for_end(trainer)

if trainer is None:
    if config is not None:
        status_box.info(t("Choose a preset and press **Train**. The blog's preset trains in about a second."))
    show_chart(charts.empty_figure(t("Loss"), t("Press Train: the loss appears here.")), "loss-empty", loss_box)
elif not training:
    if said := ended_words(trainer, config):
        kind, text = said
        getattr(status_box, kind)(text)
    draw(trainer, boxes, live=False)


if refused:
    status_box.error(refused)


if trainer is not None and not training and trainer.status in ("finished", "diverged", "stopped"):
    show_hints(trainer, config, boxes.hints)


if trainer is not None and not training:
    with results_box.container():
        show_results(trainer, boxes.metrics)
