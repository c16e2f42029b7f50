"""Fuzzing the parsers that read files from outside: IDX data, model uploads and .npy pictures.

Whatever the bytes, the answer is the parsed thing or our own error with a
message (DataError, ModelFileError): never another exception, never a hang.
"""

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from devtools.hostile_models import npy_bytes
from devtools.hostile_models import npz_bytes as npz_members
from nnlib import Network
from nnlib.data import IMAGES_MAGIC, LABELS_MAGIC, DataError, read_idx_bytes
from nnlib.modelio import ModelFileError, model_from_bytes, model_to_bytes, settings_for
from nnlib.pipeline import read_digit
from nnlib.preprocess import MAX_PICTURE_SIDE, PictureError, read_picture_file

# How many examples: the profile (tests/conftest.py), few by default and many under --slow.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def idx_bytes(shape, payload: bytes) -> bytes:
    header = (0x0800 | len(shape)).to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in shape)
    return header + payload


def parses_or_refuses_idx(raw: bytes, magic: int) -> None:
    try:
        array = read_idx_bytes(raw, magic)
    except DataError as error:
        assert str(error)
    else:
        assert array.dtype == np.uint8 and not array.flags.writeable


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([IMAGES_MAGIC, LABELS_MAGIC]))
def test_idx_parser_on_random_bytes(raw, magic):
    parses_or_refuses_idx(raw, magic)


@FUZZ
@given(
    st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=3),
    st.binary(max_size=200),
    st.sampled_from([IMAGES_MAGIC, LABELS_MAGIC]),
)
def test_idx_parser_on_plausible_headers(shape, payload, magic):
    parses_or_refuses_idx(idx_bytes(shape, payload), magic)


def test_idx_header_whose_size_overflows_64_bits_is_refused():
    """Found by the fuzzer: 2^20 x 2^22 x 2^22 = 2^64 wrapped to 0 in int64 and passed the length check."""
    raw = idx_bytes((2**20, 2**22, 2**22), b"")
    try:
        read_idx_bytes(raw, IMAGES_MAGIC)
    except DataError as error:
        assert "truncated" in str(error)
    else:
        raise AssertionError("a header promising 2^64 pixels was accepted")


@FUZZ
@given(st.data())
def test_idx_parser_on_mutated_valid_files(data):
    good = bytearray(idx_bytes((3, 4, 5), bytes(range(60))))
    for _ in range(data.draw(st.integers(1, 4))):
        good[data.draw(st.integers(0, len(good) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(good)))
    parses_or_refuses_idx(bytes(good[:cut]), IMAGES_MAGIC)


def valid_model_bytes() -> bytes:
    network = Network.create((6, 4, 3), rng=np.random.default_rng(0), dtype=np.float32)
    return model_to_bytes(network)


GOOD_MODEL = valid_model_bytes()
GOOD_MEMBERS = {name: npy_bytes(value) for name, value in Network.create((6, 4, 3), dtype=np.float32).params.items()}
GOOD_MODEL_DEFLATED = npz_members(GOOD_MEMBERS, compression=zipfile.ZIP_DEFLATED)


MAX_MESSAGE_LENGTH = 600  # a message for people, even about a hostile file


def loads_or_refuses_model(raw: bytes) -> None:
    try:
        network, _ = model_from_bytes(raw)
    except ModelFileError as error:
        assert 0 < len(str(error)) <= MAX_MESSAGE_LENGTH, str(error)
    else:
        assert all(np.isfinite(value).all() for value in network.params.values())


@FUZZ
@given(st.binary(max_size=500))
def test_model_loader_on_random_bytes(raw):
    loads_or_refuses_model(raw)
    loads_or_refuses_model(b"PK\x03\x04" + raw)


@FUZZ
@given(st.data())
def test_model_loader_on_mutated_valid_files(data):
    raw = bytearray(GOOD_MODEL)
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    loads_or_refuses_model(bytes(raw))


@settings(deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20,
    )
)
def test_model_loader_on_hostile_settings_json(value):
    network = Network.create((6, 4, 3), rng=np.random.default_rng(0), dtype=np.float32)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        meta=np.array(json.dumps({"config": value, "activation": "tanh", "output": "softmax"})),
        **network.params,
    )
    loads_or_refuses_model(buffer.getvalue())


def test_a_header_that_declares_a_huge_array_is_refused_before_reading():
    buffer = io.BytesIO()
    np.savez(buffer, W1=np.zeros((2, 2)), B1=np.zeros((2, 1)), W2=np.zeros((2, 2)), B2=np.zeros((2, 1)))
    raw = buffer.getvalue().replace(b"'shape': (2, 2)", b"'shape': (99999999, 9)", 1)
    try:
        model_from_bytes(raw)
    except ModelFileError as error:
        assert "larger than" in str(error) or "corrupt" in str(error)
    else:
        raise AssertionError("a header declaring 7 GB was accepted")


HEADER_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.text(max_size=12)
    | st.sampled_from(["<f8", "<f4", "|O", "<U5", "|S3", "V8", "<M8[s]", "(2,3)<f8", "<c16", ">i8", "|b1"]),
    lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
HUGE_SHAPES = st.lists(st.integers(0, 10**4200), max_size=3).map(tuple)  # numbers too long to print
HEADER_DICTS = st.fixed_dictionaries(
    {
        "descr": HEADER_VALUES,
        "fortran_order": HEADER_VALUES,
        "shape": HEADER_VALUES | st.tuples(st.integers(0, 2**40)) | HUGE_SHAPES,
    }
)


@FUZZ
@given(
    st.one_of(HEADER_DICTS.map(repr), st.text(max_size=300)),
    st.sampled_from([1, 2, 3]),
    st.integers(0, 2**32 - 1) | st.none(),
    st.binary(max_size=200),
)
def test_model_loader_on_hostile_npy_headers(text, version, declared_length, payload):
    """Any header text, any declared header length (up to 4 GiB), any data after it."""
    header = text.encode("utf8" if version == 3 else "latin1", errors="replace")
    length = len(header) if declared_length is None else declared_length
    field = length.to_bytes(2, "little") if version == 1 and length < 2**16 else length.to_bytes(4, "little")
    member = b"\x93NUMPY" + bytes([version, 0]) + field + header + payload
    loads_or_refuses_model(npz_members(dict(GOOD_MEMBERS, W1=member)))


@FUZZ
@given(st.data())
def test_model_loader_on_lying_zip_sizes(data):
    """Any member's declared uncompressed size rewritten: read up to the truth or a cap, never past."""
    raw = bytearray(GOOD_MODEL_DEFLATED)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        starts = [i for i in range(len(raw)) if raw.startswith(signature, i)]
        where = data.draw(st.sampled_from(starts)) + offset
        raw[where : where + 4] = data.draw(st.integers(0, 2**32 - 1)).to_bytes(4, "little")
    loads_or_refuses_model(bytes(raw))


@settings(deadline=None)
@given(
    st.one_of(HEADER_DICTS.map(repr), st.text(max_size=200)),
    st.sampled_from([1, 2, 3]),
    st.binary(max_size=300),
)
def test_picture_reader_on_hostile_npy_files(text, version, payload):
    """An .npy picture with any header and data."""
    header = text.encode("utf8" if version == 3 else "latin1", errors="replace")
    field = len(header).to_bytes(2 if version == 1 else 4, "little") if len(header) < 2**16 else b"\xff\xff"
    reads_or_refuses_picture(b"\x93NUMPY" + bytes([version, 0]) + field + header + payload)


@settings(deadline=None)
@given(
    arrays(
        st.sampled_from([np.uint8, np.uint16, np.int32, np.int64, np.float32, np.float64, np.bool_]),
        array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6),
    )
)
def test_picture_reader_on_any_numeric_npy(array):
    """Any plain array saved as a picture (NaN, infinities, negatives, odd shapes included)."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    reads_or_refuses_picture(buffer.getvalue())


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(2_000, 400_000),
    st.sampled_from([(), (3,), (4,)]),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_picture_reader_on_extreme_aspect_npy(thin, long, channels, upright, seed):
    """A long, thin picture (a stripe thousands of times longer than wide), either way up."""
    shape = ((long, thin) if upright else (thin, long)) + channels
    array = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    buffer = io.BytesIO()
    np.save(buffer, array)
    reads_or_refuses_picture(buffer.getvalue())


READER = Network.create((784, 4, 3), output="softmax", rng=np.random.default_rng(0))
READER_SETTINGS = settings_for(READER, None)


def reads_or_refuses_picture(raw: bytes) -> None:
    """raw as an .npy picture file: pixels in [0, 1] that nnlib predict reads (or finds empty),
    or a PictureError with a message; never another exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "picture.npy"
        path.write_bytes(raw)
        try:
            picture = read_picture_file(path)
        except PictureError as error:
            assert 0 < len(str(error)) <= MAX_MESSAGE_LENGTH, str(error)
            return
    assert picture.dtype == np.float64 and 0 <= picture.min() and picture.max() <= 1
    assert max(picture.shape[:2]) <= MAX_PICTURE_SIDE
    reading = read_digit(picture, READER, READER_SETTINGS)
    assert reading is None or reading.digit in (0, 1, 2)
