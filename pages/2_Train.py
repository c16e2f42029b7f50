"""Train: presets, a slider for every setting, live loss and accuracy, Stop that keeps the model."""
from ui.common import (LOADED_MODEL, TRAINED_MODEL, current_model, dataset, page_setup,  # first: BLAS threads
                       prepared, run_in_background, set_model)


import numpy as np
import streamlit as st

from nnlib import ConfigError, Trainer, evaluate
from nnlib.modelio import ModelFileError, model_from_bytes, model_to_bytes
from ui import charts
from ui.i18n import language, t
from ui.settings import (PRESET_LABELS, apply_preset, apply_query_params, config_from_widgets,
                         ensure_widget_state, link_to_settings, settings_query, settings_widgets, work_cap,
                         work_of)

REFRESH_SECONDS = 0.3  # live charts redraw about three times a second

page_setup("Train", "🏋️")
st.title(t("🏋️ Train"))
ignored = apply_query_params()
if ignored:
    st.warning(t("Some settings in the link were not understood and were left out: {ignored}.",
                 ignored=", ".join(ignored)))
ensure_widget_state()

st.selectbox(t("Preset"), list(PRESET_LABELS), format_func=lambda key: t(PRESET_LABELS[key]), key="preset",
             on_change=apply_preset,
             help=t("Starting settings. The blog's: 0 vs 1, 784-10-2, one pass of per-sample SGD. "
                    "All ten digits: a bigger network that reaches about 99%."))
settings_widgets()

st.query_params.from_dict({**settings_query(), **({"lang": st.session_state["lang"]}
                                                   if st.session_state.get("lang", "en") != "en" else {})})
with st.expander(t("🔗 Link to these settings")):
    st.code(link_to_settings(), language=None)
    st.caption(t("Copy it (button at the right) and hand it out: it opens this page with these settings."))
try:
    config = config_from_widgets()
except ConfigError as error:
    st.error(t("These settings cannot be trained: {error}.", error=error))
    st.stop()

trainer: Trainer | None = st.session_state.get("trainer")
train_col, stop_col, resume_col, _ = st.columns([1, 1, 1, 3])
train_clicked = train_col.button(t("▶️ Train"), type="primary", help=t("Start a new run with these settings."))
stop_clicked = stop_col.button(t("⏹️ Stop"), help=t("Stop now; the partly trained model is kept."))
can_resume = (trainer is not None and not trainer.done
              and (stop_clicked or not st.session_state.get("training")))
resume_clicked = resume_col.button(t("⏯️ Resume"), disabled=not can_resume,
                                   help=t("Carry on with a stopped run."))

if stop_clicked and st.session_state.get("training"):
    st.session_state["training"] = False
    st.session_state["stopped_message"] = t(
        "Stopped at epoch {epoch:.2f} (step {step} of {total}). The partly trained model is kept and "
        "used by the other pages.", epoch=trainer.epoch, step=f"{trainer.step:,}", total=f"{trainer.total_steps:,}")

if train_clicked:
    work = work_of(config, prepared(config))
    if work > work_cap():
        st.error(t("This run would process {work} images (training images × epochs); one run may process "
                   "at most {cap} on this server. Use fewer epochs or fewer digits.",
                   work=f"{work:,}", cap=f"{work_cap():,}"))
        st.stop()
    trainer = Trainer(config, prepared(config))
    st.session_state["trainer"] = trainer
    st.session_state["training"] = True
    st.session_state.pop("stopped_message", None)
    set_model(trainer.network, config, TRAINED_MODEL)
    st.rerun()  # draw the page (sidebar included) for the new model, then train
if resume_clicked and can_resume:
    st.session_state["training"] = True
    st.session_state.pop("stopped_message", None)

status_box = st.empty()
progress_box = st.empty()
left, right = st.columns([3, 2])
loss_box, accuracy_box = left.empty(), right.empty()
left.caption(t("ⓘ Light: each batch's loss; dark: smoothed; dots: the loss on all train and test images. Lower is "
               "better. Try learning rate 10 to see it explode."))
right.caption(t("ⓘ Share of train and test images right at each evaluation. Test far below train means overfitting."))


def draw(trainer: Trainer, live: bool) -> None:
    """Progress, loss and accuracy charts from the trainer's history."""
    counter = st.session_state["draw_counter"] = st.session_state.get("draw_counter", 0) + 1
    suffix = f"live-{counter}" if live else "final"
    done = trainer.step / trainer.total_steps
    if live:
        elapsed = trainer.train_seconds
        left_s = elapsed / done * (1 - done) if done > 0 else float("nan")
        text = t("Epoch {epoch:.2f} of {epochs} — about {left:.0f} s left", epoch=trainer.epoch,
                 epochs=trainer.config.epochs, left=left_s)
    else:
        text = t("{step} of {total} batches, {seconds:.1f} s of training", step=f"{trainer.step:,}",
                 total=f"{trainer.total_steps:,}", seconds=trainer.train_seconds)
    progress_box.progress(min(done, 1.0), text=text)
    loss_box.plotly_chart(charts.loss_figure(trainer.history), key=f"loss-{suffix}")
    evaluations = len(trainer.history.evaluations)
    if not live or st.session_state.get("drawn_evaluations") != evaluations:  # else it has not changed
        accuracy_box.plotly_chart(charts.accuracy_figure(trainer.history), key=f"accuracy-{suffix}")
        st.session_state["drawn_evaluations"] = evaluations


def model_files_section(config) -> None:
    """Download the session's model; load one back, validated, with a message either way."""
    st.divider()
    st.subheader(t("Save or load a model"))
    model = current_model()
    pixels = int(np.prod(dataset().image_shape))
    download_col, upload_col = st.columns(2)
    download_col.download_button(
        t("⬇️ Download the model (.npz)"), data=model_to_bytes(model.network, model.config),
        file_name=f"nnlib-{'-'.join(map(str, model.network.sizes))}.npz", mime="application/octet-stream",
        help=t("W1, B1, W2, B2, … in the blog's shapes, plus the settings; np.load opens it."))
    upload = upload_col.file_uploader(t("Load a model (.npz)"), type=["npz"], key="model_upload",
                                      help=t("A file downloaded here or written by python -m nnlib train --save."))
    if upload is not None and st.session_state.get("loaded_upload") != upload.file_id:
        st.session_state["loaded_upload"] = upload.file_id
        try:
            network, loaded_config = model_from_bytes(upload.getvalue(), source=upload.name)
            if network.sizes[0] != pixels:
                raise ModelFileError(f"{upload.name} takes {network.sizes[0]} inputs but the images "
                                     f"have {pixels} pixels")
            if loaded_config is None:
                loaded_config = config.replace(digits=tuple(range(network.sizes[-1])),
                                               hidden=tuple(network.sizes[1:-1]))
            set_model(network, loaded_config, LOADED_MODEL, file_name=upload.name)
            st.session_state["upload_message"] = ("success", t(
                "Loaded {name}: layers {sizes}. The other pages use it now.", name=upload.name,
                sizes="-".join(map(str, network.sizes))))
            st.rerun()  # redraw everything (the sidebar too) for the loaded model
        except ModelFileError as error:
            st.session_state["upload_message"] = ("error", t(
                "Not loaded: {error}. Your current model is unchanged.", error=error))
    if "upload_message" in st.session_state:
        kind, text = st.session_state["upload_message"]
        (upload_col.success if kind == "success" else upload_col.error)(text)


if trainer is not None and st.session_state.get("training"):
    status_box.info(t("Training {sizes} on digits {digits}…", sizes="-".join(map(str, trainer.network.sizes)),
                      digits=", ".join(map(str, trainer.config.digits))))
    st.session_state["drawn_evaluations"] = None  # this run's placeholders start empty
    run_in_background()
    while not trainer.done:
        trainer.advance(max_seconds=REFRESH_SECONDS)
        draw(trainer, live=True)  # a Stop click interrupts the script here
    st.session_state["training"] = False

if trainer is None:
    status_box.info(t("Choose a preset and press **Train**. The blog's preset trains in about a second."))
    model_files_section(config)
    st.stop()

if trainer.status == "diverged":
    status_box.error(trainer.message if language() == "en" else t(
        "Training diverged at step {step}: the learning rate {lr:g} is too large for this setup. Training "
        "stopped and kept the weights of step {kept}, the last good ones. Try a learning rate 10 times smaller.",
        step=trainer.step + 1, lr=trainer.config.learning_rate, kept=trainer.kept_step))
elif "stopped_message" in st.session_state:
    status_box.warning(st.session_state["stopped_message"])
elif trainer.status == "finished":
    status_box.success(t("Finished {epochs} epoch(s) in {seconds:.1f} s of training.",
                         epochs=trainer.config.epochs, seconds=trainer.train_seconds))
draw(trainer, live=False)


def results_of(trainer: Trainer):
    """Test loss, accuracy and predictions of the trainer's current weights, cached per step."""
    key = (id(trainer), trainer.step, trainer.status)
    cached = st.session_state.get("results")
    if cached is None or cached[0] != key:
        data = trainer.data
        cached = (key, evaluate(trainer.network, data.X_test, data.y_test))
        st.session_state["results"] = cached
    return cached[1]


test_loss, test_accuracy, predictions = results_of(trainer)
data = trainer.data
digits = trainer.config.digits
correct = int((predictions == data.y_test).sum())
metric_cols = st.columns(4)
metric_cols[0].metric(t("Test accuracy"), f"{test_accuracy:.2%}", help=t("Share of the test images it gets right."))
metric_cols[1].metric(t("Right"), f"{correct:,} / {len(data.y_test):,}")
metric_cols[2].metric(t("Test loss"), f"{test_loss:.4f}")
metric_cols[3].metric(t("Training time"), f"{trainer.train_seconds:.1f} s")

left, right = st.columns([1, 1])
with left:
    st.plotly_chart(charts.confusion_figure(data.y_test, predictions, digits), key="confusion")
    st.caption(t("ⓘ Rows: the true digit; columns: what the network said. Numbers off the diagonal are mistakes: "
                 "which digits get confused?"))
with right:
    wrong = np.flatnonzero(predictions != data.y_test)
    st.markdown(t("**Test images it got wrong** ({count})", count=f"{len(wrong):,}"))
    if len(wrong) == 0:
        st.write(t("None: every test image is right."))
    for row_start in range(0, min(len(wrong), 24), 6):
        cols = st.columns(6)
        for col, index in zip(cols, wrong[row_start:row_start + 6]):
            image = data.X_test[index].reshape(data.image_shape)
            col.image(np.kron(image, np.ones((3, 3))), clamp=True,
                      caption=t("a {true}, said {said}", true=digits[data.y_test[index]],
                                said=digits[predictions[index]]))

model_files_section(config)
