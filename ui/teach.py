"""Draw's "Teach it": a student's own digits, kept in the session, and a retrain on them.

A drawing the network read wrong is added, with its right answer, to the session's small set
(at most MAX_DIGITS, as the 28×28 images the network saw). "Retrain on my digits" fine-tunes
the session's model on MNIST plus them (nnlib.finetune) in server/tasks.py's worker pool, never
in the page's thread, like the Lab's tasks; the taught copy becomes the session's model, and the
page shows the student's digits and the MNIST test accuracy before and after.

Session state: TEACH_DIGITS, a list of (image (28, 28) uint8, digit); TEACH_JOB, the retrain
being waited for; TEACH_RESULT, the last retrain's before and after.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nnlib import TrainConfig
from nnlib.cli import SURE_CONFIDENCE
from nnlib.lab import model_hash
from server.tasks import shared_pool, teach_task
from ui.data import prepared
from ui.i18n import t
from ui.lab_numbers import wait_for
from ui.session import current_model, set_model
from ui.training import job_pool

MAX_DIGITS = 50
TEACH_DIGITS = "teach_digits"
TEACH_JOB = "teach_job"
TEACH_RESULT = "teach_result"
TAUGHT_MODEL = "retrained on your digits in this session"
THUMBNAIL_PX = 56  # a 28×28 image shown twice its size


# --- "not sure" --------------------------------------------------------------------------------


def likeliest(probabilities: np.ndarray, digits, count: int = 2) -> list[int]:
    """The count digits the network finds likeliest, most likely first."""
    return [int(digits[index]) for index in np.argsort(-probabilities, kind="stable")[:count]]


def is_sure(probabilities: np.ndarray) -> bool:
    """Whether the answer is at least nnlib predict's SURE_CONFIDENCE probable (or has no rival)."""
    return float(probabilities.max()) >= SURE_CONFIDENCE or len(probabilities) < 2


def sureness_words(probabilities: np.ndarray, digits) -> str:
    """The Prediction's second line: how sure, and when not sure the two likeliest digits
    ("62.0% · not sure: 7 or 1?")."""
    confidence = float(probabilities.max())
    if is_sure(probabilities):
        return t("{sure:.1%} sure", sure=confidence)
    first, second = likeliest(probabilities, digits)
    return t("{sure:.1%} · not sure: {first} or {second}?", sure=confidence, first=first, second=second)


def unsure_words(probabilities: np.ndarray, digits) -> str:
    """Why an answer below SURE_CONFIDENCE is not sure, in the words of its two likeliest digits."""
    first, second = likeliest(probabilities, digits)
    return t(
        "Not sure: a {first} ({p_first:.1%}) or a {second} ({p_second:.1%})? A style it saw little, a scribble "
        "or two digits all get an answer. Wrong? Teach it below.",
        first=first,
        second=second,
        p_first=float(probabilities.max()),
        p_second=float(np.sort(probabilities)[-2]),
    )


# --- the personal set (session state) ------------------------------------------------------------


def my_digits() -> list[tuple[np.ndarray, int]]:
    return st.session_state.setdefault(TEACH_DIGITS, [])


def add_digit(image: np.ndarray | None, digit: int | None) -> tuple[str, str]:
    """Add image with its right answer; returns (kind, message): "success", "warning" or "error".

    Nothing is added for an empty canvas, a missing answer or a full set.
    """
    digits = my_digits()
    if image is None:
        return "warning", t("The canvas is empty: draw the digit the network read wrong, then add it.")
    if digit is None:
        return "warning", t("Pick the right answer first (the digit you meant), then add the drawing.")
    if len(digits) >= MAX_DIGITS:
        return "error", t(
            "Your set is full ({count} digits): remove some before adding more, or retrain on these.",
            count=MAX_DIGITS,
        )
    digits.append((np.array(image, dtype=np.uint8), int(digit)))
    return "success", t(
        "Added as a {digit}: {count} of {most} digits.", digit=digit, count=len(digits), most=MAX_DIGITS
    )


def remove_digit(index: int) -> None:
    digits = my_digits()
    if 0 <= index < len(digits):
        digits.pop(index)


# --- the retrain (in the task pool) --------------------------------------------------------------


@dataclass(frozen=True)
class TeachJob:
    """A retrain submitted to the task pool: its key and arguments, to wait for it again after a rerun."""

    key: tuple
    args: tuple
    config: TrainConfig  # the taught model's settings
    digits: tuple[int, ...]  # the right answers of the images taught, in order
    images: np.ndarray  # (k, 28, 28) uint8


@dataclass(frozen=True)
class TeachSummary:
    """What the page shows after a retrain: the images, their right answers, the answers before
    and after, and the MNIST test accuracy before and after."""

    images: np.ndarray
    digits: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    mnist_before: float
    mnist_after: float

    def right(self, answers: tuple[int, ...]) -> int:
        return sum(answer == digit for answer, digit in zip(answers, self.digits))


def start_retrain(seed: int = 0) -> str | None:
    """Submit the retrain of the session's model on the personal digits it knows; None, or why not."""
    model = current_model()
    known = [(image, digit) for image, digit in my_digits() if digit in model.config.digits]
    if not known:
        return t("Add a drawing with its right answer first: there is nothing to teach yet.")
    images = np.stack([image for image, _ in known])
    digits = tuple(digit for _, digit in known)
    classes = np.array([model.config.digits.index(digit) for digit in digits])
    spec = job_pool().share(prepared(model.config))
    fingerprint = hashlib.blake2b(images.tobytes() + classes.tobytes(), digest_size=12).hexdigest()
    key = (model_hash(model.network), "teach", fingerprint, seed)
    args = (model.network, spec, images, classes, model.config.normalization, seed)
    shared_pool().submit(key, teach_task, *args)
    st.session_state[TEACH_JOB] = TeachJob(key, args, model.config, digits, images)
    st.session_state.pop(TEACH_RESULT, None)
    return None


def finish_retrain() -> bool:
    """Wait for the submitted retrain (a caption counts the seconds); when it is done, make the
    taught network the session's model and keep the before and after. True when it was applied."""
    job = st.session_state.get(TEACH_JOB)
    if job is None:
        return False
    result = wait_for(job.key, teach_task, *job.args, note=t("Retraining on MNIST and your digits…"))
    if result is None:
        future = shared_pool().known(job.key)
        if future is None or future.done():
            st.session_state.pop(TEACH_JOB, None)  # it failed, and wait_for said so: a click tries again
        return False
    shared_pool().forget(job.key)  # the result is a whole network: this session keeps its own copy
    if model_hash(current_model().network) != job.key[0]:  # a newer model (trained or loaded meanwhile)
        st.session_state.pop(TEACH_JOB, None)
        st.info(t("The model changed while it was retraining, so the retrained one was not kept: press Retrain again."))
        return False
    config = job.config
    set_model(result.network.copy(), config, TAUGHT_MODEL)
    st.session_state[TEACH_RESULT] = TeachSummary(
        job.images,
        job.digits,
        tuple(int(config.digits[c]) for c in result.personal_before),
        tuple(int(config.digits[c]) for c in result.personal_after),
        result.mnist_before,
        result.mnist_after,
    )
    st.session_state.pop(TEACH_JOB, None)
    return True


# --- the section on the Draw page ----------------------------------------------------------------


def teach_section(image: np.ndarray | None) -> None:
    """Teach it: the right answer and Add for the drawing on the canvas (image: the 28×28 the
    network saw, None when nothing is drawn), the personal set, Retrain and its before and after."""
    with st.container(key="teach"):
        st.subheader(t("Teach it"))
        config = current_model().config
        st.caption(
            t(
                "Did the network read your drawing wrong? Pick the digit you meant, add the drawing to your "
                "digits, and retrain the network on MNIST plus them."
            )
        )
        digit = st.pills(t("The right answer"), config.digits, key="teach-label")
        added = st.button(t("➕ Add to my digits"), key="teach-add")
        if added:
            kind, message = add_digit(image, digit)
            getattr(st, kind)(message)
        personal_set(config.digits)
        if st.button(t("🎓 Retrain on my digits"), type="primary", key="teach-retrain", disabled=not my_digits()):
            problem = start_retrain()
            if problem:
                st.warning(problem)
        if finish_retrain():
            st.rerun()
        summary = st.session_state.get(TEACH_RESULT)
        if summary is not None:
            before_and_after(summary)


def personal_set(known_digits) -> None:
    """The personal digits as a row of thumbnails, each with its answer and a remove button."""
    digits = my_digits()
    if not digits:
        return
    st.caption(t("Your digits ({count} of {most}):", count=len(digits), most=MAX_DIGITS))
    with st.container(horizontal=True, key="teach-set"):
        for index, (image, digit) in enumerate(digits):
            with st.container(width=THUMBNAIL_PX + 8, gap="small"):
                st.image(image, caption=str(digit), width=THUMBNAIL_PX)
                st.button("✕", key=f"teach-remove-{index}", on_click=remove_digit, args=(index,), help=t("Remove"))
    unknown = sorted({digit for _, digit in digits if digit not in known_digits})
    if unknown:
        st.caption(
            t(
                "This model knows only the digits {known}: your {unknown} are left out of its retraining.",
                known=", ".join(map(str, known_digits)),
                unknown=", ".join(map(str, unknown)),
            )
        )


def before_and_after(summary: TeachSummary) -> None:
    """The last retrain: the student's digits read right and the MNIST test accuracy, before → after."""
    count = len(summary.digits)
    mine, mnist = st.columns(2)
    mine.metric(
        t("Your digits read right"),
        t("{right} of {count}", right=summary.right(summary.after), count=count),
        delta=t("before: {right} of {count}", right=summary.right(summary.before), count=count),
        delta_color="off",
        delta_arrow="off",
    )
    mnist.metric(
        t("MNIST test accuracy"),
        f"{summary.mnist_after:.2%}",
        delta=t(
            "{change:+.2f} points (before: {before:.2%})",
            change=100 * (summary.mnist_after - summary.mnist_before),
            before=summary.mnist_before,
        ),
        delta_color="off",
        delta_arrow="off",
        help=t("On the MNIST test images, which the retraining never sees."),
    )
    st.image(
        list(summary.images),
        caption=[f"{before} → {after}" for before, after in zip(summary.before, summary.after)],
        width=THUMBNAIL_PX,
    )
    st.caption(t("Each of your digits: the answer before → after the retraining."))
