"""MNIST-style data: IDX parsing, digit subsets and the two normalisations.

The blog reads the IDX files with ``struct`` one byte at a time; here one
``np.frombuffer`` call does it, after checking the header, so a truncated or
foreign file fails with a message that names the file and what is wrong.
"""

from __future__ import annotations

import gzip
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The embedded default: the four original MNIST files (CC BY-SA 3.0).
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "assets" / "mnist"

IMAGES_MAGIC = 0x00000803  # unsigned byte, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned byte, 1 dimension
MAX_IDX_BYTES = 512 * 1024 * 1024  # refuse to inflate anything larger

FILE_STEMS = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


class DataError(ValueError):
    """A data file or folder that cannot be used, with a message for people."""


def read_idx_bytes(raw: bytes, expected_magic: int, source: str = "<bytes>") -> np.ndarray:
    """Parse IDX bytes (already decompressed) into a read-only uint8 array.

    Images come back as (count, rows, cols), labels as (count,).
    """
    if len(raw) < 8:
        raise DataError(f"{source}: only {len(raw)} bytes, too short for an IDX header")
    magic = int.from_bytes(raw[0:4], "big")
    if magic != expected_magic:
        kind = "images" if expected_magic == IMAGES_MAGIC else "labels"
        raise DataError(
            f"{source}: not an IDX {kind} file (magic number 0x{magic:08x}, expected 0x{expected_magic:08x})"
        )
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise DataError(f"{source}: header cut short ({len(raw)} of {header_len} bytes)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_len = header_len + math.prod(shape)  # Python ints: a hostile header cannot overflow it
    if len(raw) != expected_len:
        what = "truncated" if len(raw) < expected_len else "has trailing bytes"
        raise DataError(
            f"{source}: {what}: the header promises {'x'.join(map(str, shape))} values "
            f"({expected_len} bytes in all) but the file holds {len(raw)} bytes"
        )
    if ndim == 3 and (shape[1] == 0 or shape[2] == 0):
        raise DataError(f"{source}: images of size {shape[1]}x{shape[2]}")
    array = np.frombuffer(raw, dtype=np.uint8, offset=header_len).reshape(shape)
    return array  # frombuffer over bytes is already read-only


def read_idx_file(path: str | os.PathLike, expected_magic: int) -> np.ndarray:
    """Read an IDX file, gzipped (by its magic bytes) or raw."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == b"\x1f\x8b":
                with gzip.open(handle) as unzipped:
                    raw = unzipped.read(MAX_IDX_BYTES + 1)
            else:
                raw = handle.read(MAX_IDX_BYTES + 1)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise DataError(f"{path}: cannot be read ({error})") from None
    if len(raw) > MAX_IDX_BYTES:
        raise DataError(f"{path}: larger than {MAX_IDX_BYTES // 2**20} MiB, refused")
    return read_idx_bytes(raw, expected_magic, source=str(path))


def find_idx_file(data_dir: Path, split: str, kind: str) -> Path:
    """The file for (split, kind) in data_dir, gzipped or not."""
    stem = FILE_STEMS[(split, kind)]
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        if (data_dir / name).is_file():
            return data_dir / name
    raise DataError(f"{data_dir}: no {stem}[.gz] file")


@dataclass(frozen=True)
class Split:
    """Images (count, 28, 28) uint8 and labels (count,) uint8, both read-only."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class MnistData:
    """The train and test splits of one folder of IDX files."""

    train: Split
    test: Split
    source: str

    @property
    def image_shape(self) -> tuple[int, int]:
        return self.train.images.shape[1], self.train.images.shape[2]


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """data_dir if given, else $MNIST_DIR, else the embedded MNIST."""
    chosen = data_dir or os.environ.get("MNIST_DIR") or DEFAULT_DATA_DIR
    return Path(chosen).expanduser()


def load_split(data_dir: Path, split: str) -> Split:
    images = read_idx_file(find_idx_file(data_dir, split, "images"), IMAGES_MAGIC)
    labels = read_idx_file(find_idx_file(data_dir, split, "labels"), LABELS_MAGIC)
    if len(images) != len(labels):
        raise DataError(f"{data_dir}: {split} has {len(images)} images but {len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise DataError(f"{data_dir}: {split} labels go up to {labels.max()}; digits 0-9 expected")
    return Split(images, labels)


def load_mnist(data_dir: str | os.PathLike | None = None) -> MnistData:
    """Load the four IDX files of a folder (default: the embedded MNIST)."""
    folder = resolve_data_dir(data_dir)
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder")
    train, test = load_split(folder, "train"), load_split(folder, "test")
    if train.images.shape[1:] != test.images.shape[1:]:
        raise DataError(
            f"{folder}: train images are {train.images.shape[1:]} but test images are {test.images.shape[1:]}"
        )
    return MnistData(train=train, test=test, source=str(folder))


def select_digits(split: Split, digits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The images of the chosen digits in file order, and their class indices.

    Class index i stands for digits[i], so (3, 8) maps 3 -> 0 and 8 -> 1.
    Returns images (m, rows, cols) uint8 and classes (m,) int64, read-only.
    """
    lookup = np.full(10, -1, dtype=np.int64)
    lookup[list(digits)] = np.arange(len(digits))
    classes = lookup[split.labels]
    keep = classes >= 0
    images, classes = split.images[keep], classes[keep]
    images.flags.writeable = False
    classes.flags.writeable = False
    return images, classes


def normalize_minmax(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """The blog's normalize_data: each image scaled so its min is 0 and max 1.

    images (m, ...) -> (m, pixels). An all-blank image stays all zeros
    instead of dividing by zero.
    """
    flat = images.reshape(len(images), -1).astype(dtype)
    low = flat.min(axis=1, keepdims=True)
    span = flat.max(axis=1, keepdims=True) - low
    span[span == 0] = 1
    flat -= low
    flat /= span
    return flat


def normalize_255(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Pixels divided by 255: the usual MNIST scaling. (m, ...) -> (m, pixels)."""
    flat = images.reshape(len(images), -1).astype(dtype)
    flat /= 255
    return flat


NORMALIZERS = {"minmax": normalize_minmax, "scale255": normalize_255}


def normalize(images: np.ndarray, method: str, dtype=np.float32) -> np.ndarray:
    """Flatten and normalise images (m, rows, cols) -> (m, rows*cols)."""
    return NORMALIZERS[method](images, dtype=dtype)


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    """Write a uint8 array as an IDX file (gzipped when compress): images (n, rows, cols) or labels (n,).

    The inverse of read_idx_file, for making a folder of one's own (MNIST_DIR).
    """
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    raw = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw, compresslevel=1) if compress else raw)


@dataclass(frozen=True)
class PreparedData:
    """Normalised rows ready to train on: X (m, pixels), y (m,) class indices."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    digits: tuple[int, ...]
    image_shape: tuple[int, int]

    @property
    def class_count(self) -> int:
        return len(self.digits)


def prepare_data(data: MnistData, digits, normalization: str, dtype: str) -> PreparedData:
    """Select the digits and normalise, once; the arrays come back read-only."""
    arrays = []
    for split in (data.train, data.test):
        images, classes = select_digits(split, tuple(digits))
        X = normalize(images, normalization, dtype=np.dtype(dtype).type)
        X.flags.writeable = False
        arrays += [X, classes]
    return PreparedData(*arrays, digits=tuple(digits), image_shape=data.image_shape)
