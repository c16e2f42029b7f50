"""The Train page's run and its life cycle: start, stop, pause, continue, resume, +1 epoch, one
step, the refusals, the live knobs and slow motion, and what the status line says about it.

The session's keys for the run live here only (`Keys`), read through `RunView`. Every action
that changes what the buttons offer ends in ``st.rerun()``, so the page draws them again for the
run's new state; the page itself holds only widgets and layout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nnlib.events import LIVE_KNOBS
from ui.data import prepared
from ui.i18n import t
from ui.links import planned_knobs
from ui.runtime import log_timing, run_in_background
from ui.session import TRAINED_MODEL, set_model
from ui.settings import cost_check, extension_refusal, refusal_values
from ui.training import PoolFull, TooCostly, TooLarge, job_pool, live_refresh_seconds, memory_refusal, new_trainer
from ui.words import divergence_words

SLOW_MOTION_S = 0.25  # seconds after every batch in slow motion


class Keys:
    """The session keys of the Train page's run (tests and other pages read the first two)."""

    TRAINER = "trainer"  # the run: a ui.training.RemoteTrainer, or absent before the first
    TRAINING = "training"  # bool: the run is running or queued (the live panel watches it)
    STOPPED_MESSAGE = "stopped_message"  # what Stop said, shown until the run trains again
    UPLOAD_MESSAGE = "upload_message"  # (kind, text) of the last model file loaded
    SLOW_MOTION = "slow_motion"  # the Slow motion toggle's own key
    SLOW_MOTION_SENT = "slow_motion_sent"  # (id of the run, on or off) last told to the worker
    KNOB_WIDGETS = "knob_widgets"  # (id of the run, the live knobs' widget values last seen for it)
    KEPT_FIGURES = "kept_figures"  # figures that change only at an evaluation, by name: (what they show, figure)
    LIVE_PACE = "live_pace"  # seconds between the live panel's looks, as its browser timer was last told


@dataclass(frozen=True)
class RunView:
    """The session's run as the buttons see it at the top of a page run."""

    trainer: object | None
    training: bool

    @property
    def paused(self) -> bool:
        return self.trainer is not None and getattr(self.trainer, "paused", False)

    @property
    def can_extend(self) -> bool:
        """+1 epoch and One step: a run that ended or was stopped may grow."""
        return self.trainer is not None and not self.training and self.trainer.status in ("finished", "stopped")

    def can_resume(self, stop_clicked: bool) -> bool:
        """Resume: a stopped run that did not end (a paused one carries on by Continue)."""
        trainer = self.trainer
        return trainer is not None and not trainer.done and not self.paused and (stop_clicked or not self.training)


def current_run() -> RunView:
    """The session's run now."""
    return RunView(st.session_state.get(Keys.TRAINER), bool(st.session_state.get(Keys.TRAINING)))


def set_training(training: bool) -> None:
    st.session_state[Keys.TRAINING] = training


def stop(trainer) -> None:
    """Stop now: the worker hands back the weights so far, and the page says where it stopped."""
    set_training(False)
    trainer.stop()
    st.session_state[Keys.STOPPED_MESSAGE] = t(
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


def new_run(config):
    """A new run in the worker pool; or None and why not (shown in the status line)."""
    check = cost_check(config, prepared(config))
    if not check.allowed:
        return None, refusal(check)
    try:
        slow = {"delay_s": SLOW_MOTION_S} if st.session_state.get(Keys.SLOW_MOTION) else None
        return new_trainer(config, prepared(config), {**(slow or {}), **planned_knobs()} or None), ""
    except TooCostly as error:
        return None, refusal(error.check)
    except TooLarge as error:
        return None, memory_refusal(error.check)
    except PoolFull:
        return None, t("The server's queue is full: every place is taken. Try again in a minute.")


def begin(trainer, config) -> None:
    """The new run becomes the session's run and its model; the page redraws for it, then trains."""
    st.session_state[Keys.TRAINER] = trainer
    st.session_state[Keys.SLOW_MOTION_SENT] = (id(trainer), bool(st.session_state.get(Keys.SLOW_MOTION)))
    set_training(True)
    st.session_state.pop(Keys.STOPPED_MESSAGE, None)
    st.session_state.pop(Keys.UPLOAD_MESSAGE, None)  # the loaded model is replaced by this run's
    set_model(trainer.network, config, TRAINED_MODEL)
    st.rerun()


def train_again(action=None) -> None:
    """Continue, +1 epoch, One step or Resume: the run trains again (the page redraws for it)."""
    if action is not None:
        action()
    set_training(True)
    st.session_state.pop(Keys.STOPPED_MESSAGE, None)
    st.rerun()


def pause(trainer) -> None:
    """Hold the run where it is (Continue carries it on)."""
    trainer.pause()
    set_training(False)
    st.rerun()


def extend(trainer, add_steps: int) -> str:
    """+1 epoch or One step: the run trains add_steps more batches, or why it may not (returned)."""
    if refused := extension_refusal(trainer, add_steps):
        return refused
    train_again(lambda: trainer.control(add_steps=add_steps))
    return ""


def send_live_controls(run: RunView, config, slow_motion: bool) -> None:
    """Tell the running worker what changed: slow motion, and the live knobs the user moved.

    Only a widget moved since the last look is sent: a link's planned change must not be undone
    by the widget value it left behind.
    """
    trainer = run.trainer
    sent = st.session_state.get(Keys.SLOW_MOTION_SENT)
    if (slow_motion or (sent and sent[0] == id(trainer))) and sent != (id(trainer), slow_motion):
        trainer.control(delay_s=SLOW_MOTION_S if slow_motion else 0.0)
        st.session_state[Keys.SLOW_MOTION_SENT] = (id(trainer), slow_motion)
    if config is not None and (run.training or run.paused):
        widgets = {name: getattr(config, name) for name in LIVE_KNOBS}
        last = st.session_state.get(Keys.KNOB_WIDGETS)
        if last and last[0] == id(trainer):
            if changes := {name: value for name, value in widgets.items() if value != last[1][name]}:
                trainer.control(**changes)
        st.session_state[Keys.KNOB_WIDGETS] = (id(trainer), widgets)


def training_words(trainer) -> str:
    return t(
        "Training {sizes} on digits {digits}…",
        sizes=trainer.network.layers_name,
        digits=", ".join(map(str, trainer.config.digits)),
    )


def ended_words(trainer, config) -> tuple[str, str] | None:
    """The status line for a run that is not training: (kind of box, text), or None for none."""
    if trainer.status == "diverged":
        return "error", divergence_words(trainer.divergence)
    if trainer.status == "failed":
        return "error", t(
            "The training process stopped unexpectedly (killed, or out of memory) at step {step}; the weights "
            "it sent last are kept. Press Train to start again.",
            step=f"{trainer.step:,}",
        )
    if getattr(trainer, "paused", False):
        return "info", t(
            "Paused at step {step} of {total} (epoch {epoch:.2f}). Continue, +1 epoch or One step carry on.",
            step=f"{trainer.step:,}",
            total=f"{trainer.total_steps:,}",
            epoch=trainer.epoch,
        )
    if trainer.status == "stopped" and trainer.stop_reason == "unwatched":
        return "warning", t("Paused: nobody was watching this run for a while. Resume carries on.")
    if Keys.STOPPED_MESSAGE in st.session_state:
        return "warning", st.session_state[Keys.STOPPED_MESSAGE]
    if trainer.status == "finished" and config is not None:
        return "success", t(
            "Finished {epochs} epoch(s) in {seconds:.1f} s of training.",
            epochs=trainer.config.epochs,
            seconds=trainer.train_seconds,
        )
    return None


def queue_words(trainer) -> str:
    """A run waiting for a free worker: its place and when it should start."""
    ahead, seconds = trainer.queue_position or 0, trainer.estimated_start_s
    if ahead == 0:
        return t("Waiting for a free worker: yours is next, in about {seconds:.0f} s.", seconds=seconds or 0)
    return t(
        "Waiting for a free worker: {ahead} run(s) ahead of yours, about {seconds:.0f} s.",
        ahead=ahead,
        seconds=seconds or 0,
    )


def progress_words(trainer, live: bool) -> str:
    """The progress bar's text: the epoch and the time left while it trains, the batches at the end."""
    if live:
        done = trainer.step / trainer.total_steps
        left_s = trainer.train_seconds / done * (1 - done) if done > 0 else float("nan")
        return t(
            "Epoch {epoch:.2f} of {epochs} — about {left:.0f} s left",
            epoch=trainer.epoch,
            epochs=trainer.config.epochs,
            left=left_s,
        )
    return t(
        "{step} of {total} batches, {seconds:.1f} s of training",
        step=f"{trainer.step:,}",
        total=f"{trainer.total_steps:,}",
        seconds=trainer.train_seconds,
    )


def pace_live_panel() -> float:
    """Seconds between the live panel's looks, for the server's load now (the page declares its
    fragment with it; repace_live_panel follows the load from inside the fragment)."""
    pace = st.session_state[Keys.LIVE_PACE] = live_refresh_seconds(job_pool())
    return pace


def repace_live_panel() -> None:
    """Give this fragment's browser timer the pace for the crowd now, when it moved by half a
    second or more: a run started on a quiet server would otherwise look every second after a
    class arrives.

    Sent from the fragment's own rerun as the message Streamlit sends when a page declares
    st.fragment(run_every=…): a full rerun, to declare it anew, raced the fragment's own timer.
    Should a newer run drop the message, the timer keeps its old pace; it never stops.
    """
    pace = live_refresh_seconds(job_pool())
    if abs(pace - st.session_state.get(Keys.LIVE_PACE, pace)) < 0.5:
        return
    context, fragment_id = get_script_run_ctx(), current_fragment_id()
    if context is None or fragment_id is None:
        return
    message = ForwardMsg()
    message.auto_rerun.interval, message.auto_rerun.fragment_id = pace, fragment_id
    context.enqueue(message)
    st.session_state[Keys.LIVE_PACE] = pace


def current_fragment_id() -> str | None:
    """The id of the fragment whose rerun this is (Streamlit's own bookkeeping), or None."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
    except ImportError:  # a Streamlit other than requirements.txt's: the pace stays as declared
        return None
    return ThreadState.get().fragment_id


def watch(trainer, draw_queued, draw_live) -> None:
    """One look at the run (the live fragment's body): the worker's news, drawn by the page's
    draw_queued(trainer) or draw_live(trainer).

    No script thread waits in a loop for a run; when it ends, the whole page reruns once for
    its buttons and results. Each rerun of a fragment costs the server ~20 ms however little it
    draws, and the charts ~80 ms more: so one fragment, paced by the crowd (repace_live_panel). A stopped
    run is resumed here (Resume, as Trainer.advance).
    """
    started = time.thread_time()
    run_in_background()
    trainer.advance(max_seconds=0)  # applies the worker's news and counts as a look (no idle stop)
    ended = trainer.done or trainer.status == "stopped"
    if ended:  # before the results reach the browser: a click to another page interrupts what follows
        set_training(False)
    if trainer.status == "queued" and trainer.queue_position is not None:
        draw_queued(trainer)
    else:
        draw_live(trainer)
    log_timing("train-live", time.thread_time() - started)
    repace_live_panel()
    if ended:
        st.rerun()  # the buttons again, for a finished run (Stop and Resume off)


def wait_for_end(trainer) -> None:
    """Where no timer reruns a fragment (AppTest): the run to its end here, then the page again."""
    trainer.advance(max_seconds=0)  # resumes a stopped run, as Resume asks
    while not trainer.done and trainer.status != "stopped":
        trainer.advance(max_seconds=0.3)
    set_training(False)
    st.rerun()
