"""The image data, loaded once per server and shared read-only by every session."""

from __future__ import annotations

import os

import streamlit as st

from nnlib import DataError, TrainConfig, load_mnist, prepare_data
from nnlib.data import DEFAULT_DATA_DIR, resolve_data_dir
from server.shared_files import file_backed
from ui.i18n import t


def configured_data_dir() -> str | None:
    """The folder the person running the server chose: MNIST_DIR, else [nnlib] data_dir in
    secrets; None for the bundled MNIST."""
    configured = os.environ.get("MNIST_DIR")
    if not configured:
        try:
            configured = st.secrets.get("nnlib", {}).get("data_dir")
        except Exception:  # no secrets file at all
            configured = None
    return configured or None


def data_dir_setting() -> str:
    return str(resolve_data_dir(configured_data_dir()))


def data_label() -> str:
    """What visitors are told the images are: never the server's own folder path."""
    configured = configured_data_dir()
    if configured is None or resolve_data_dir(configured).resolve() == DEFAULT_DATA_DIR.resolve():
        return "MNIST"
    return os.path.basename(os.path.normpath(configured)) or configured


@st.cache_resource(show_spinner="Loading the images…")
def shared_dataset(data_dir: str):
    return load_mnist(data_dir)


def dataset():
    """The shared dataset, or a clear message and a stop if the folder is bad."""
    try:
        return shared_dataset(data_dir_setting())
    except DataError as error:
        st.error(
            t(
                "The image data cannot be loaded: {error}. Point MNIST_DIR at a folder holding the "
                "four IDX files (train-images, train-labels, t10k-images, t10k-labels).",
                error=error,
            )
        )
        st.stop()


@st.cache_resource(show_spinner="Preparing the images…")
def shared_prepared(data_dir: str, digits: tuple[int, ...], normalization: str, dtype: str):
    """Normalised train/test arrays per digit subset, shared read-only by every session and
    (the same files) by the training workers."""
    return file_backed(prepare_data(shared_dataset(data_dir), digits, normalization, dtype))


def prepared(config: TrainConfig):
    dataset()  # shows the message if the folder is bad
    return shared_prepared(data_dir_setting(), tuple(config.digits), config.normalization, config.dtype)
