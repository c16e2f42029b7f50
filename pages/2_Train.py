"""Train: a preset, the buttons and the live charts on the first screen; every setting beside them."""

import dataclasses
import time

import numpy as np
import streamlit as st

from nnlib import evaluate
from nnlib.modelio import ModelFileError, model_to_bytes, open_model
from nnlib.trainer import LIVE_KNOBS
from ui import charts, network_figures
from ui.data import dataset, prepared
from ui.display import literal, show_chart
from ui.hints import hints, run_state
from ui.i18n import t
from ui.insight_view import diagram_words
from ui.navigation import page_setup
from ui.runtime import log_timing, run_in_background, timers_rerun_fragments
from ui.session import LOADED_MODEL, TRAINED_MODEL, current_model, set_model
from ui.settings import (
    FIELD_LABELS,
    PRESET_LABELS,
    apply_preset,
    apply_query_params,
    apply_settings,
    config_from_widgets,
    cost_check,
    cost_words,
    data_widgets,
    ensure_widget_state,
    extension_refusal,
    link_knobs_words,
    link_to_settings,
    network_widgets,
    planned_knobs,
    planned_knobs_words,
    refusal_values,
    settings_query,
    training_widgets,
)
from ui.training import (
    PoolFull,
    TooCostly,
    TooLarge,
    job_pool,
    limits_words,
    live_refresh_seconds,
    memory_refusal,
    new_trainer,
)
from ui.words import divergence_words

DIAGRAM_IMAGE = 0  # the test image the Train page's diagram follows
WRONG_PER_PAGE = 12  # test images it got wrong, shown a page at a time
SLOW_MOTION_S = 0.25  # seconds after every batch in slow motion

page_setup("Train", "🏋️")
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
trainer = st.session_state.get("trainer")
training = bool(st.session_state.get("training"))

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
    paused = trainer is not None and getattr(trainer, "paused", False)
    can_extend = trainer is not None and not training and trainer.status in ("finished", "stopped")
    pause_clicked = st.button(t("Pause"), disabled=not training, help=t("Hold the run where it is; Continue goes on."))
    continue_clicked = st.button(t("Continue"), disabled=not paused, help=t("Carry on from where it paused."))
    epoch_clicked = st.button(
        t("+1 epoch"), disabled=not can_extend, help=t("Exactly one more pass over the training images, then pause.")
    )
    step_clicked = st.button(t("One step"), disabled=not can_extend, help=t("Exactly one batch, then pause."))
    slow_motion = st.toggle(
        t("Slow motion"),
        key="slow_motion",
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
can_resume = trainer is not None and not trainer.done and not paused and (stop_clicked or not training)
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
# What the live fragment draws into: each must be written on every fragment run (emptied while queued).
live_boxes = (loss_box, accuracy_box, diagram_box, diagnostics_box)
results_box = st.empty()  # emptied at once when a new run starts
# A container, not a placeholder: a placeholder is emptied at the start of every rerun, which
# unmounted the file uploader mid-upload (a second model file was lost on a busy server).
files_box = st.container()

if config is None:
    status_box.error(t("These settings cannot be trained — {problems}", problems=" ".join(problems.values())))

if stop_clicked and training:
    st.session_state["training"] = training = False
    trainer.stop()  # the worker hands back the weights so far
    st.session_state["stopped_message"] = t(
        "Stopped at epoch {epoch:.2f} (step {step} of {total}). The partly trained model is kept and "
        "used by the other pages.",
        epoch=trainer.epoch,
        step=f"{trainer.step:,}",
        total=f"{trainer.total_steps:,}",
    )


def refusal(check) -> str:
    """Why a run is too large for this server, and what would fit."""
    values = refusal_values(check)
    text = t(
        "This run would take about {estimate} CPU-seconds; one run may take at most {cap} on this server.",
        estimate=values["estimate"],
        cap=values["cap"],
    )
    if values["epochs"]:
        text += " " + t("{epochs} epoch(s) would fit.", epochs=values["epochs"])
    elif values["hidden"]:
        text += " " + t("Hidden layer sizes {hidden} would fit.", hidden=values["hidden"])
    return text


def start_run(config):
    """A new run in the worker pool; or None and why not (shown in the status line)."""
    check = cost_check(config, prepared(config))
    if not check.allowed:
        return None, refusal(check)
    try:
        slow = {"delay_s": SLOW_MOTION_S} if st.session_state.get("slow_motion") else None
        return new_trainer(config, prepared(config), {**(slow or {}), **planned_knobs()} or None), ""
    except TooCostly as error:
        return None, refusal(error.check)
    except TooLarge as error:
        return None, memory_refusal(error.check)
    except PoolFull:
        return None, t("The server's queue is full: every place is taken. Try again in a minute.")


refused = ""  # why the Train click started nothing
if train_clicked and config is not None:
    new_run, refused = start_run(config)
    if new_run is not None:
        results_box.empty()  # the last run's results go at once
        metrics_box.empty()
        trainer = new_run
        st.session_state["trainer"] = trainer
        st.session_state["slow_motion_sent"] = (id(trainer), bool(st.session_state.get("slow_motion")))
        st.session_state["training"] = training = True
        st.session_state.pop("stopped_message", None)
        st.session_state.pop("upload_message", None)  # the loaded model is replaced by this run's
        set_model(trainer.network, config, TRAINED_MODEL)
        st.rerun()  # draw the page (sidebar, buttons) for the new run, then train


def run_again(action) -> None:
    """Pause, Continue, +1 epoch or One step: the run trains again (the page redraws for it)."""
    action()
    st.session_state["training"] = True
    st.session_state.pop("stopped_message", None)
    st.rerun()


if trainer is not None:
    sent = st.session_state.get("slow_motion_sent")  # (the run, on or off) last told to the worker
    if (slow_motion or (sent and sent[0] == id(trainer))) and sent != (id(trainer), slow_motion):
        trainer.control(delay_s=SLOW_MOTION_S if slow_motion else 0.0)
        st.session_state["slow_motion_sent"] = (id(trainer), slow_motion)
    if config is not None and (training or paused):  # live knobs: a widget moved since the last look acts mid-run
        widgets = {name: getattr(config, name) for name in LIVE_KNOBS}
        last = st.session_state.get("knob_widgets")  # (the run, the widgets' values last seen for it)
        if last and last[0] == id(trainer):
            # only what the user moved: a link's planned change must not be undone by the widget it left behind
            if changes := {name: value for name, value in widgets.items() if value != last[1][name]}:
                trainer.control(**changes)
        st.session_state["knob_widgets"] = (id(trainer), widgets)
if pause_clicked and training:
    trainer.pause()
    st.session_state["training"] = training = False
    st.rerun()
if continue_clicked and paused:
    run_again(trainer.resume)
for clicked, add_steps in ((epoch_clicked, trainer and trainer.batches_per_epoch), (step_clicked, 1)):
    if clicked and can_extend:
        if refusal := extension_refusal(trainer, add_steps):
            status_box.warning(refusal)
        else:
            run_again(lambda steps=add_steps: trainer.control(add_steps=steps))
if resume_clicked and can_resume:
    st.session_state["training"] = training = True
    st.session_state.pop("stopped_message", None)
    st.rerun()  # Stop enabled, Resume disabled while it runs
if config is not None and not training:
    check = cost_check(config, prepared(config))
    cost_box.caption(cost_words(check) + " " + limits_words(job_pool()))


def chart_words() -> dict:
    return dict(
        loss=dict(
            title=t("Loss"),
            epoch=t("epoch"),
            loss=t("cross-entropy loss"),
            batch=t("batch loss"),
            smoothed=t("batch loss (smoothed)"),
            train=t("train loss"),
            test=t("test loss"),
            waiting=t("The loss appears after the first batch."),
            validation=t("validation loss"),
            knob_labels={name: t(FIELD_LABELS[name]) for name in LIVE_KNOBS},
        ),
        accuracy=dict(
            title=t("Accuracy"),
            epoch=t("epoch"),
            accuracy=t("accuracy (%)"),
            train=t("train accuracy"),
            test=t("test accuracy"),
            waiting=t("Accuracy appears after the first evaluation."),
            validation=t("validation accuracy"),
        ),
    )


def show_queue(trainer) -> None:
    """A run waiting for a free worker: its place and when it should start."""
    ahead, seconds = trainer.queue_position or 0, trainer.estimated_start_s
    if ahead == 0:
        text = t("Waiting for a free worker: yours is next, in about {seconds:.0f} s.", seconds=seconds or 0)
    else:
        text = t(
            "Waiting for a free worker: {ahead} run(s) ahead of yours, about {seconds:.0f} s.",
            ahead=ahead,
            seconds=seconds or 0,
        )
    progress_box.progress(0.0, text=text)


def draw(trainer, live: bool) -> None:
    """Progress, loss and accuracy charts and the network diagram from the trainer's history."""
    draw_progress(trainer, live)
    draw_charts(trainer, live)


def draw_progress(trainer, live: bool) -> None:
    """The progress bar: the epoch and the time left while it trains, the batches at the end."""
    done = trainer.step / trainer.total_steps
    if live:
        elapsed = trainer.train_seconds
        left_s = elapsed / done * (1 - done) if done > 0 else float("nan")
        text = t(
            "Epoch {epoch:.2f} of {epochs} — about {left:.0f} s left",
            epoch=trainer.epoch,
            epochs=trainer.config.epochs,
            left=left_s,
        )
    else:
        text = t(
            "{step} of {total} batches, {seconds:.1f} s of training",
            step=f"{trainer.step:,}",
            total=f"{trainer.total_steps:,}",
            seconds=trainer.train_seconds,
        )
    progress_box.progress(min(done, 1.0), text=text)


def draw_charts(trainer, live: bool) -> None:
    """Loss, accuracy and the diagram (each about 25 ms of the server's CPU)."""
    counter = st.session_state["draw_counter"] = st.session_state.get("draw_counter", 0) + 1
    suffix = f"live-{counter}" if live else "final"
    words = chart_words()
    show_test = st.session_state.get("show_test", False) or not trainer.config.validation
    loss = charts.loss_figure(trainer.history, **words["loss"], show_test=show_test)
    show_chart(loss, f"loss-{suffix}", loss_box)
    accuracy = charts.accuracy_figure(trainer.history, **words["accuracy"], show_test=show_test)
    show_chart(accuracy, f"accuracy-{suffix}", accuracy_box)
    draw_diagram(trainer, suffix)
    draw_diagnostics(trainer, suffix)


def draw_diagnostics(trainer, suffix: str) -> None:
    """Gradient size per layer, dead or saturated units per layer, the first layer's weights then and now."""
    diagnostics = trainer.history.diagnostics
    epoch, layer, waiting = t("epoch"), t("layer {layer}"), t("The diagnostics appear after the first evaluation.")
    stuck_title = t("Dead ReLUs per layer") if trainer.config.activation == "relu" else t("Saturated units per layer")
    with diagnostics_box.container():
        st.markdown(t("**Diagnostics**: how each layer is doing"))
        gradients_tab, stuck_tab, weights_tab = st.tabs([t("Gradient size"), t("Stuck units"), t("Weights")])
        with gradients_tab:
            fig = charts.gradient_norms_figure(
                diagnostics, t("Gradient size per layer"), epoch, t("‖dW‖ (mean per batch)"), layer, waiting
            )
            show_chart(fig, f"gradients-{suffix}")
            st.caption(t("ⓘ A first layer far below the last: the gradient vanishes on its way back."))
        with stuck_tab:
            share = t("share of units (%)")
            fig = charts.stuck_units_figure(diagnostics, stuck_title, epoch, share, layer, waiting)
            show_chart(fig, f"stuck-{suffix}")
            st.caption(
                t(
                    "ⓘ Dead ReLU: 0 for every probe image, so it never learns again. Saturated sigmoid or tanh: "
                    "output in the outer tenth of its range, where its slope is almost 0."
                )
            )
        with weights_tab:
            if diagnostics:
                fig = charts.weight_histogram_figure(
                    diagnostics[-1].histograms[0],
                    t("W1's weights: at the start and now"),
                    t("weight"),
                    t("count"),
                    t("at the start"),
                    t("now"),
                )
            else:
                fig = charts.empty_figure(t("W1's weights: at the start and now"), waiting)
            show_chart(fig, f"weights-{suffix}")


def draw_diagram(trainer, suffix: str) -> None:
    """The network on one fixed test image, as the weights are now: its neurons light up as it learns."""
    data = trainer.data
    X = data.X_test[DIAGRAM_IMAGE][:, None]
    words = dataclasses.replace(
        diagram_words(),
        title=t(
            "Inside the network, on test image #{index} (a {digit})",
            index=DIAGRAM_IMAGE,
            digit=trainer.config.digits[data.y_test[DIAGRAM_IMAGE]],
        ),
    )
    fig = network_figures.network_diagram(
        trainer.network, X, words=words, class_names=trainer.config.digits, height=420
    )
    with diagram_box.container(key=f"network-diagram-train-{suffix}"):
        show_chart(fig, f"diagram-{suffix}")


def model_files_section(busy: bool) -> None:
    """Download the session's model; load one back, validated, with a message either way.

    busy: a run is training; both wait until it stops or ends (a model loaded meanwhile
    would replace the run's, and the download would not be the run's yet).
    """
    st.subheader(t("Save or load a model"))
    model = current_model()
    pixels = int(np.prod(dataset().image_shape))
    download_col, upload_col = st.columns(2)
    download_col.download_button(
        t("⬇️ Download the model (.npz)"),
        data=b"" if busy else model_to_bytes(model.network, model.config),
        disabled=busy,
        file_name=f"nnlib-{'-'.join(map(str, model.network.sizes))}.npz",
        mime="application/octet-stream",
        help=t("W1, B1, W2, B2, … in the blog's shapes, plus the settings; np.load opens it."),
    )
    upload = upload_col.file_uploader(
        t("Load a model (.npz)"),
        type=["npz"],
        key="model_upload",
        help=t("A file downloaded here or written by python -m nnlib train --save."),
        disabled=busy,
    )
    if upload is not None and st.session_state.get("loaded_upload") != upload.file_id:
        st.session_state["loaded_upload"] = upload.file_id
        try:
            network, loaded_config = open_model(upload.getvalue(), input_size=pixels, name=upload.name)
            set_model(network, loaded_config, LOADED_MODEL, file_name=upload.name)
            st.session_state["upload_message"] = (
                "success",
                t(
                    "Loaded {name}: layers {sizes}. The other pages use it now.",
                    name=literal(upload.name),
                    sizes="-".join(map(str, network.sizes)),
                ),
            )
            st.rerun()  # redraw everything (the sidebar too) for the loaded model
        except ModelFileError as error:
            st.session_state["upload_message"] = (
                "error",
                t("Not loaded: {error}. Your current model is unchanged.", error=literal(error)),
            )
    if "upload_message" in st.session_state:
        kind, text = st.session_state["upload_message"]
        (upload_col.success if kind == "success" else upload_col.error)(text)
    if busy:  # after the widgets, so that they keep their places (and the uploader its state)
        st.caption(t("Available again when the run stops or ends."))


with files_box:  # before the training loop: a run's page never shows a stale, clickable upload
    st.divider()
    with st.expander(t("🔗 Link to these settings")):
        st.code(link_to_settings(), language=None)
        st.caption(t("Copy it (button at the right) and hand it out: it opens this page with these settings."))
        if knobs_words := link_knobs_words():
            st.caption(knobs_words)
    model_files_section(busy=training)


def watch(trainer) -> None:
    """One look at the run, rerun alone every second or few (a fragment): the worker's news, drawn.

    No script thread waits in a loop for a run; when it ends, the whole page reruns once for
    its buttons and results. Each rerun of a fragment costs the server ~20 ms however little it
    draws, and the charts ~80 ms more: so one fragment, paced by the crowd. A stopped run is
    resumed here (Resume, as Trainer.advance).
    """
    started = time.thread_time()
    run_in_background()
    trainer.advance(max_seconds=0)  # applies the worker's news and counts as a look (no idle stop)
    if trainer.status == "queued" and trainer.queue_position is not None:
        show_queue(trainer)
        for box in live_boxes:
            box.empty()  # written on every run: a fragment may only fill boxes its full run wrote to
    else:
        draw(trainer, live=True)
    log_timing("train-live", time.thread_time() - started)
    if trainer.done or trainer.status == "stopped":
        st.session_state["training"] = False
        st.rerun()  # the buttons again, for a finished run (Stop and Resume off)
    if refresh_is_stale():
        st.rerun()  # the whole page once, to pace its fragment for the server's load now


def refresh_is_stale() -> bool:
    """The crowd changed a lot since this page paced its fragment (twice as fast or slow as due)."""
    due = live_refresh_seconds(job_pool())
    return not 0.5 < due / st.session_state.get("live_refresh", due) < 2


if trainer is not None and training:
    st.caption(
        t(
            "While it trains, the learning rate, momentum, L2, dropout and augmentation act from the next batch "
            "(a line on the loss chart marks each change); the other settings wait for the next run."
        )
    )
    status_box.info(
        t(
            "Training {sizes} on digits {digits}…",
            sizes="-".join(map(str, trainer.network.sizes)),
            digits=", ".join(map(str, trainer.config.digits)),
        )
    )
    st.session_state["live_refresh"] = live_refresh_seconds(job_pool())
    if timers_rerun_fragments():
        st.fragment(run_every=st.session_state["live_refresh"])(watch)(trainer)
    else:  # AppTest: no timer reruns the fragment, so wait for the end here
        trainer.advance(max_seconds=0)  # resumes a stopped run, as Resume asks
        while not trainer.done and trainer.status != "stopped":
            trainer.advance(max_seconds=0.3)
        st.session_state["training"] = False
        st.rerun()

if trainer is None:
    if config is not None:
        status_box.info(t("Choose a preset and press **Train**. The blog's preset trains in about a second."))
    show_chart(charts.empty_figure(t("Loss"), t("Press Train: the loss appears here.")), "loss-empty", loss_box)
elif not training:
    if trainer.status == "diverged":
        status_box.error(divergence_words(trainer.divergence))
    elif trainer.status == "failed":
        status_box.error(
            t(
                "The training process stopped unexpectedly (killed, or out of memory) at step {step}; the weights "
                "it sent last are kept. Press Train to start again.",
                step=f"{trainer.step:,}",
            )
        )
    elif getattr(trainer, "paused", False):
        status_box.info(
            t(
                "Paused at step {step} of {total} (epoch {epoch:.2f}). Continue, +1 epoch or One step carry on.",
                step=f"{trainer.step:,}",
                total=f"{trainer.total_steps:,}",
                epoch=trainer.epoch,
            )
        )
    elif trainer.status == "stopped" and trainer.stop_reason == "unwatched":
        status_box.warning(t("Paused: nobody was watching this run for a while. Resume carries on."))
    elif "stopped_message" in st.session_state:
        status_box.warning(st.session_state["stopped_message"])
    elif trainer.status == "finished" and config is not None:
        status_box.success(
            t(
                "Finished {epochs} epoch(s) in {seconds:.1f} s of training.",
                epochs=trainer.config.epochs,
                seconds=trainer.train_seconds,
            )
        )
    draw(trainer, live=False)


if refused:
    status_box.error(refused)


def apply_hint(changes: dict) -> None:
    """A hint's Apply: the fix goes into the widgets, and the page says what changed."""
    st.session_state["hint_applied"] = apply_settings(changes)


def toggle_why(key: str) -> None:
    st.session_state[f"why_{key}"] = not st.session_state.get(f"why_{key}", False)


def remember_divergence(trainer) -> None:
    """Keep the learning rates that diverged in this session: the coach warns before they are used again."""
    rates = st.session_state.setdefault("diverged_rates", [])
    if trainer.status == "diverged" and trainer.config.learning_rate not in rates:
        rates.append(trainer.config.learning_rate)


def show_hints(trainer) -> None:
    """The coach's hints on the run that ended, each with Apply and Why?."""
    applied = st.session_state.pop("hint_applied", None)
    if applied:
        hints_box.success(t("Applied: {changes}. Press **Train** for a new run.", changes=applied))
    remember_divergence(trainer)
    found = hints(run_state(trainer, st.session_state["diverged_rates"], planned=config), t)
    for hint in found:
        with hints_box.container(border=True):
            text_col, apply_col, why_col = st.columns([6, 1.3, 1.1], vertical_alignment="center")
            text_col.markdown(t("💡 {text} **Try:** {fix}.", text=hint.text, fix=hint.fix))
            apply_col.button(
                t("Apply"),
                key=f"hint_apply_{hint.key}",
                on_click=apply_hint,
                args=(hint.changes,),
                width="stretch",
                help=t("Set this fix in the settings (a new run uses it)."),
            )
            why_col.button(
                t("Why?"), key=f"hint_why_{hint.key}", on_click=toggle_why, args=(hint.key,), width="stretch"
            )
            if st.session_state.get(f"why_{hint.key}"):
                st.info(t("{why} **Where to see it:** {where}", why=hint.why, where=hint.where))


if trainer is not None and not training and trainer.status in ("finished", "diverged", "stopped"):
    show_hints(trainer)


def results_of(trainer):
    """Test loss, accuracy and predictions of the trainer's current weights, cached per step."""
    key = (id(trainer), trainer.step, trainer.status)
    cached = st.session_state.get("results")
    if cached is None or cached[0] != key:
        data = trainer.data
        cached = (key, evaluate(trainer.network, data.X_test, data.y_test))
        st.session_state["results"] = cached
    return cached[1]


def show_results(trainer) -> None:
    """Test accuracy, the confusion matrix and the test images it got wrong."""
    test_loss, test_accuracy, predictions = results_of(trainer)
    data, digits = trainer.data, trainer.config.digits
    correct = int((predictions == data.y_test).sum())
    metric_cols = metrics_box.container().columns(4)
    metric_cols[0].metric(t("Test accuracy"), f"{test_accuracy:.2%}", help=t("Share of the test images it gets right."))
    metric_cols[1].metric(t("Right"), f"{correct:,}", help=t("of {total} test images", total=f"{len(data.y_test):,}"))
    metric_cols[2].metric(t("Test loss"), f"{test_loss:.4f}")
    metric_cols[3].metric(t("Training time"), f"{trainer.train_seconds:.1f} s")
    left, right = st.columns([1, 1])
    with left:
        show_chart(
            charts.confusion_figure(
                data.y_test,
                predictions,
                digits,
                title=t("Confusion matrix"),
                predicted_title=t("predicted"),
                true_title=t("true digit"),
                hover=t("true %{y}, said %{x}: %{z}"),
            ),
            "confusion",
        )
        st.caption(
            t(
                "ⓘ Rows: the true digit; columns: what the network said. Orange and red cells are mistakes: "
                "which digits get confused?"
            )
        )
    with right:
        wrong = np.flatnonzero(predictions != data.y_test)
        st.markdown(t("**Test images it got wrong** ({count})", count=f"{len(wrong):,}"))
        if len(wrong) == 0:
            st.write(t("None: every test image is right."))
        if len(wrong):
            pages = -(-len(wrong) // WRONG_PER_PAGE)
            page = 1
            if pages > 1:
                page = st.number_input(
                    t("Page (of {pages})", pages=pages),
                    1,
                    pages,
                    1,
                    key=f"wrong_page_{len(wrong)}",  # a new run, a new count: page 1 again
                    help=t("{count} images a page.", count=WRONG_PER_PAGE),
                )
            shown = wrong[(page - 1) * WRONG_PER_PAGE : page * WRONG_PER_PAGE]
            # One flowing row of images, wrapped by the screen's width (columns would stack on a phone).
            st.image(
                [np.kron(data.X_test[index].reshape(data.image_shape), np.ones((3, 3))) for index in shown],
                caption=[
                    t("{true} → {said}", true=digits[data.y_test[index]], said=digits[predictions[index]])
                    for index in shown
                ],
                width=84,
                clamp=True,
            )
        if len(wrong):
            st.caption(t("Under each image: the true digit → what the network said."))


if trainer is not None and not training:
    with results_box.container():
        show_results(trainer)
