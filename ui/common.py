"""What every page shares: set-up, the shared read-only dataset, the session's model.

Import this module first in every page: it limits BLAS to one thread before
NumPy loads (several sessions training at once were 2x slower without it).
Pages are Streamlit's classic pages/ folder, so each page may be the first
script a fresh server runs (a deep link); ``page_setup`` does everything an
entrypoint would, on every page.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import threading  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402

# Hand the GIL round faster (default 5 ms): pages that answer a click or a stroke
# wait less behind training threads. Process-wide, so set once, here.
sys.setswitchinterval(0.001)

from nnlib import PRESETS, DataError, Network, TrainConfig, load_mnist, prepare_data  # noqa: E402
from nnlib.data import resolve_data_dir  # noqa: E402
from nnlib.modelio import load_model  # noqa: E402
from ui.i18n import init_language, language, language_switch, t  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = ROOT / "assets" / "models" / "digits.npz"


def limit_blas_threads() -> None:
    """One BLAS thread even if NumPy was loaded before this module."""
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl is in requirements
        pass


PAGES = [  # (script, sidebar label); Streamlit's own list is hidden in config.toml
    ("streamlit_app.py", "🏠 Home"),
    ("pages/1_Dataset.py", "📊 Dataset"),
    ("pages/2_Train.py", "🏋️ Train"),
    ("pages/3_Weights.py", "🔬 Weights"),
    ("pages/4_Draw.py", "✏️ Draw"),
    ("pages/5_Backprop.py", "🧮 Backprop"),
    ("pages/6_Compare.py", "⚖️ Compare"),
]
# Chinese labels keep the English name, which the lesson plans and links use.
PAGE_LABELS_ZH = {"🏠 Home": "🏠 首页 Home", "📊 Dataset": "📊 数据集 Dataset", "🏋️ Train": "🏋️ 训练 Train",
                  "🔬 Weights": "🔬 权重 Weights", "✏️ Draw": "✏️ 手写 Draw",
                  "🧮 Backprop": "🧮 反向传播 Backprop", "⚖️ Compare": "⚖️ 对比 Compare"}


TRAINING_NICENESS = 10  # training yields the CPU to pages that answer a click or a stroke


def set_thread_niceness(niceness: int) -> None:
    """This thread's CPU niceness (Linux: per thread); silently skipped where not allowed."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or raising priority needs privileges
        pass


def run_in_background() -> None:
    """Lower this script thread's CPU priority for the training it is about to do.

    With 30 students on 2 cores, a Draw prediction then waits less behind
    training. The thread ends with the run, or with the reruns queued while it
    ran (a click during training); page_setup restores normal priority for
    those where the server may (as root), else they finish at the lower one.
    """
    set_thread_niceness(TRAINING_NICENESS)


def log_timing(name: str, seconds: float) -> None:
    """Append 'name seconds' to $NNLIB_TIMING_LOG, when set: the load benchmark's view
    of the server's own share of a response."""
    path = os.environ.get("NNLIB_TIMING_LOG")
    if path:
        with open(path, "a") as log:
            log.write(f"{name} {seconds:.6f}\n")


def page_setup(title: str, icon: str = "🧠") -> None:
    """Page config and sidebar; the first call of every page."""
    st.set_page_config(page_title=f"{title} · nnlib", page_icon=icon, layout="wide")
    limit_blas_threads()
    set_thread_niceness(0)  # a rerun queued behind a training run starts at normal priority
    init_language()
    with st.sidebar:
        for script, label in PAGES:
            st.page_link(script, label=PAGE_LABELS_ZH[label] if language() == "zh" else label)
        st.divider()
        language_switch()
        model = current_model()
        st.caption(t("**Model:** {model}", model=model.label()))


@st.cache_resource(show_spinner="Loading the images…")
def shared_dataset(data_dir: str):
    """The dataset, loaded once per server and shared read-only by all sessions."""
    return load_mnist(data_dir)


def data_dir_setting() -> str:
    """The IDX folder: MNIST_DIR, else [nnlib] data_dir in secrets, else assets/mnist."""
    configured = os.environ.get("MNIST_DIR")
    if not configured:
        try:
            configured = st.secrets.get("nnlib", {}).get("data_dir")
        except Exception:  # no secrets file at all
            configured = None
    return str(resolve_data_dir(configured))


def dataset():
    """The shared dataset, or a clear message and a stop if the folder is bad."""
    try:
        return shared_dataset(data_dir_setting())
    except DataError as error:
        st.error(t("The image data cannot be loaded: {error}. Point MNIST_DIR at a folder holding the "
                   "four IDX files (train-images, train-labels, t10k-images, t10k-labels).", error=error))
        st.stop()


@st.cache_resource(show_spinner="Preparing the images…")
def shared_prepared(data_dir: str, digits: tuple[int, ...], normalization: str, dtype: str):
    """Normalised train/test arrays per digit subset, shared read-only."""
    return prepare_data(shared_dataset(data_dir), digits, normalization, dtype)


def prepared(config: TrainConfig):
    dataset()  # shows the message if the folder is bad
    return shared_prepared(data_dir_setting(), tuple(config.digits), config.normalization, config.dtype)


@st.cache_resource(show_spinner=False)
def default_model() -> tuple[Network, TrainConfig]:
    """The ten-digit model shipped in assets/models (built with the digits preset).

    Shared by all sessions; pages never change its arrays (they are read-only).
    """
    network, config = load_model(DEFAULT_MODEL_PATH)
    for value in network.params.values():
        value.flags.writeable = False
    return network, config or PRESETS["digits"]


# Where a model came from (English templates, translated when shown).
SHIPPED_MODEL = "the shipped ten-digit model (digits preset)"
TRAINED_MODEL = "trained in this session"
LOADED_MODEL = "loaded from {name}"
MODEL_DESCRIPTIONS = (SHIPPED_MODEL, TRAINED_MODEL, LOADED_MODEL)


@dataclass
class SessionModel:
    """The model a session works with, and where it came from.

    description is an English template (translated when shown); file_name
    fills its {name}.
    """

    network: Network
    config: TrainConfig
    description: str
    is_default: bool = False
    file_name: str = ""

    def label(self) -> str:
        return t(self.description, name=self.file_name)


def current_model() -> SessionModel:
    """The session's own model (trained or uploaded), else the shipped default."""
    model = st.session_state.get("model")
    if model is not None:
        return model
    network, config = default_model()
    return SessionModel(network, config, SHIPPED_MODEL, is_default=True)


def set_model(network: Network, config: TrainConfig, description: str, file_name: str = "") -> None:
    st.session_state["model"] = SessionModel(network, config, description, file_name=file_name)


def image_grid(images: np.ndarray, columns: int, gap: int = 2, fill: float = 0.0) -> np.ndarray:
    """Tile images (n, h, w) into one (rows·(h+gap), columns·(w+gap)) array."""
    n, h, w = images.shape
    rows = max(1, -(-n // columns))
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), fill, dtype=np.float64)
    for index, image in enumerate(images):
        r, c = divmod(index, columns)
        grid[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return grid
