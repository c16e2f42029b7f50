"""What the Train page draws for its run: the live charts, the diagram and diagnostics, the
results of a run that ended, the coach's hints and the model files section.

The page lays out the boxes (`TrainBoxes`) and calls these; every chart is a figure from
ui.charts or ui.network_figures, shown into its box.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nnlib.events import LIVE_KNOBS
from nnlib.modelio import ModelFileError, model_to_bytes, open_model
from ui import charts, network_figures
from ui.data import dataset
from ui.display import literal, show_chart
from ui.hints import hints, run_state
from ui.i18n import language, t
from ui.insight_view import diagram_words
from ui.session import LOADED_MODEL, current_model, set_model
from ui.settings import FIELD_LABELS, apply_settings
from ui.train_run import Keys, progress_words, queue_words

DIAGRAM_IMAGE = 0  # the test image the Train page's diagram follows
WRONG_PER_PAGE = 12  # test images it got wrong, shown a page at a time


@dataclass(frozen=True)
class TrainBoxes:
    """The page's placeholders a run is drawn into (the live panel writes the first five on every look)."""

    progress: object
    loss: object
    accuracy: object
    diagram: object
    diagnostics: object
    metrics: object
    hints: object

    def empty_live(self) -> None:
        """A queued run: the live charts emptied (a fragment may only fill boxes its full run wrote to)."""
        for box in (self.loss, self.accuracy, self.diagram, self.diagnostics):
            box.empty()


def draw_queued(trainer, boxes: TrainBoxes) -> None:
    """A run waiting for a free worker: its place in the queue, no charts."""
    boxes.progress.progress(0.0, text=queue_words(trainer))
    boxes.empty_live()


def draw(trainer, boxes: TrainBoxes, live: bool) -> None:
    """Progress, loss and accuracy charts and the network diagram from the trainer's history."""
    boxes.progress.progress(min(trainer.step / trainer.total_steps, 1.0), text=progress_words(trainer, live))
    draw_charts(trainer, boxes, live)


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


def draw_charts(trainer, boxes: TrainBoxes, live: bool) -> None:
    """Loss, accuracy and the diagram (each about 25 ms of the server's CPU)."""
    counter = st.session_state["draw_counter"] = st.session_state.get("draw_counter", 0) + 1
    suffix = f"live-{counter}" if live else "final"
    words = chart_words()
    show_test = st.session_state.get("show_test", False) or not trainer.config.validation
    loss = charts.loss_figure(trainer.history, **words["loss"], show_test=show_test)
    show_chart(loss, f"loss-{suffix}", boxes.loss)
    accuracy = kept_figure(
        "accuracy",
        trainer,
        show_test,
        lambda: charts.accuracy_figure(trainer.history, **words["accuracy"], show_test=show_test),
    )
    show_chart(accuracy, f"accuracy-{suffix}", boxes.accuracy)
    draw_diagram(trainer, suffix, boxes.diagram)
    draw_diagnostics(trainer, suffix, boxes.diagnostics)


def kept_figure(name: str, trainer, variant, build):
    """The figure `build()` made for this run at its last evaluation, or a new one once another
    evaluation arrived: the live panel looks every few seconds, and a figure that changes only at an
    evaluation costs the server ~25 ms of CPU to build each time (its JSON ~1 ms)."""
    history = trainer.history
    key = (id(history), len(history.evaluations), len(history.diagnostics), language(), variant)
    kept = st.session_state.setdefault(Keys.KEPT_FIGURES, {})
    if name not in kept or kept[name][0] != key:
        kept[name] = (key, build())
    return kept[name][1]


def draw_diagnostics(trainer, suffix: str, diagnostics_box) -> None:
    """Gradient size per layer, dead or saturated units per layer, the first layer's weights then and now."""
    diagnostics = trainer.history.diagnostics
    epoch, layer, waiting = t("epoch"), t("layer {layer}"), t("The diagnostics appear after the first evaluation.")
    stuck_title = t("Dead ReLUs per layer") if trainer.config.activation == "relu" else t("Saturated units per layer")
    with diagnostics_box.container():
        st.markdown(t("**Diagnostics**: how each layer is doing"))
        gradients_tab, stuck_tab, weights_tab = st.tabs([t("Gradient size"), t("Stuck units"), t("Weights")])
        with gradients_tab:
            fig = kept_figure(
                "gradients",
                trainer,
                None,
                lambda: charts.gradient_norms_figure(
                    diagnostics, t("Gradient size per layer"), epoch, t("‖dW‖ (mean per batch)"), layer, waiting
                ),
            )
            show_chart(fig, f"gradients-{suffix}")
            st.caption(t("ⓘ A first layer far below the last: the gradient vanishes on its way back."))
        with stuck_tab:
            share = t("share of units (%)")
            fig = kept_figure(
                "stuck",
                trainer,
                stuck_title,
                lambda: charts.stuck_units_figure(diagnostics, stuck_title, epoch, share, layer, waiting),
            )
            show_chart(fig, f"stuck-{suffix}")
            st.caption(
                t(
                    "ⓘ Dead ReLU: 0 for every probe image, so it never learns again. Saturated sigmoid or tanh: "
                    "output in the outer tenth of its range, where its slope is almost 0."
                )
            )
        with weights_tab:
            title = t("W1's weights: at the start and now")
            if diagnostics:
                fig = kept_figure(
                    "weights",
                    trainer,
                    None,
                    lambda: charts.weight_histogram_figure(
                        diagnostics[-1].histograms[0], title, t("weight"), t("count"), t("at the start"), t("now")
                    ),
                )
            else:
                fig = charts.empty_figure(title, waiting)
            show_chart(fig, f"weights-{suffix}")


def draw_diagram(trainer, suffix: str, diagram_box) -> None:
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
            st.session_state[Keys.UPLOAD_MESSAGE] = (
                "success",
                t(
                    "Loaded {name}: layers {sizes}. The other pages use it now.",
                    name=literal(upload.name),
                    sizes=network.layers_name,
                ),
            )
            st.rerun()  # redraw everything (the sidebar too) for the loaded model
        except ModelFileError as error:
            st.session_state[Keys.UPLOAD_MESSAGE] = (
                "error",
                t("Not loaded: {error}. Your current model is unchanged.", error=literal(error)),
            )
    if Keys.UPLOAD_MESSAGE in st.session_state:
        kind, text = st.session_state[Keys.UPLOAD_MESSAGE]
        (upload_col.success if kind == "success" else upload_col.error)(text)
    if busy:  # after the widgets, so that they keep their places (and the uploader its state)
        st.caption(t("Available again when the run stops or ends."))


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


def show_hints(trainer, config, hints_box) -> None:
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


def show_results(trainer, metrics_box) -> None:
    """Test accuracy, the confusion matrix and the test images it got wrong."""
    results = trainer.results()
    test_loss, test_accuracy, predictions = results.loss, results.accuracy, results.predictions
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
