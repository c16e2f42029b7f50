"""Fuzzing the two parsers that read files from outside: IDX data and model uploads.

Whatever the bytes, the answer is the parsed thing or our own error with a
message (DataError, ModelFileError): never another exception, never a hang.
"""

import io
import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlib import Network
from nnlib.data import IMAGES_MAGIC, LABELS_MAGIC, DataError, read_idx_bytes
from nnlib.modelio import ModelFileError, model_from_bytes, model_to_bytes

FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


def loads_or_refuses_model(raw: bytes) -> None:
    try:
        network, _ = model_from_bytes(raw)
    except ModelFileError as error:
        assert str(error)
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


@settings(max_examples=300, deadline=None)
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
