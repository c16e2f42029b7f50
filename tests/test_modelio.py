"""Model files: round trip, and every kind of bad file gets a clear error."""

import functools
import io
import json
import os
import pickle
import re
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from devtools.hostile_models import bzip2_header_bomb, deflate_bomb, npy_bytes, zero_width_model
from devtools.hostile_models import npz_bytes as npz_members
from devtools.live import ROOT
from nnlib import PRESETS, Network
from nnlib.modelio import ModelFileError, load_model, model_from_bytes, model_to_bytes, save_model


@pytest.fixture
def network():
    return Network.create((784, 10, 2), rng=np.random.RandomState(2), dtype=np.float64)


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_round_trip(tmp_path, network):
    save_model(tmp_path / "m.npz", network, PRESETS["seed"])
    loaded, config = load_model(tmp_path / "m.npz")
    assert config == PRESETS["seed"]
    assert loaded.activation == "tanh" and loaded.output == "sigmoid"
    for name, value in network.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)
    with np.load(tmp_path / "m.npz", allow_pickle=False) as archive:  # readable by plain NumPy
        assert archive["W1"].shape == (10, 784) and archive["B2"].shape == (2, 1)


def test_plain_blog_arrays_load_without_meta(network):
    loaded, config = model_from_bytes(npz_bytes(**network.params))
    assert config is None and loaded.sizes == (784, 10, 2)


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"", "empty"),
        (b"\x00" * 50, "not an .npz"),
        (bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)), "not an .npz"),
        (b"PK\x03\x04" + b"\x00" * 100, "corrupt|not a valid"),
    ],
)
def test_garbage_bytes(raw, message):
    with pytest.raises(ModelFileError, match=message):
        model_from_bytes(raw)


def test_pickle_inside_npz_is_refused(network):
    raw = npz_bytes(
        W1=np.array([{"evil": 1}], dtype=object),
        B1=network.params["B1"],
        W2=network.params["W2"],
        B2=network.params["B2"],
    )
    with pytest.raises(ModelFileError, match="pickle"):
        model_from_bytes(raw)


def test_pickle_file_is_refused():
    with pytest.raises(ModelFileError, match="not an .npz"):
        model_from_bytes(pickle.dumps({"W1": np.zeros(3)}))


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda p: p.pop("B2"), "expected arrays"),
        (lambda p: p.update(W2=np.zeros((2, 11))), "takes 11 inputs"),
        (lambda p: p.update(B1=np.zeros((10,))), "expected \\(n, k\\) and \\(n, 1\\)"),
        (lambda p: p.update(W1=np.full((10, 784), np.nan)), "NaN"),
        (lambda p: p.update(W1=np.zeros((10, 784), dtype=np.int64)), "int64"),
        (lambda p: p.update(W3=np.zeros((2, 2))), "expected arrays"),
    ],
)
def test_wrong_arrays(network, change, message):
    params = dict(network.params)
    change(params)
    with pytest.raises(ModelFileError, match=message):
        model_from_bytes(npz_bytes(**params))


def test_bad_meta(network):
    with pytest.raises(ModelFileError, match="not JSON"):
        model_from_bytes(npz_bytes(meta=np.array("{oops"), **network.params))
    bad_config = '{"config": {"digits": [0, 1, 2], "learning_rate": 0.1}}'
    with pytest.raises(ModelFileError, match="2 outputs but was trained on 3 digits"):
        model_from_bytes(npz_bytes(meta=np.array(bad_config), **network.params))


def test_huge_and_missing_files(tmp_path):
    with pytest.raises(ModelFileError, match="cannot be read"):
        load_model(tmp_path / "nope.npz")
    big = tmp_path / "big.npz"
    with open(big, "wb") as handle:
        handle.truncate(65 * 1024 * 1024)
    with pytest.raises(ModelFileError, match="larger than"):
        load_model(big)


def test_zip_bomb_member_is_not_an_array():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("W1.npy", b"not really npy")
    with pytest.raises(ModelFileError):
        model_from_bytes(buffer.getvalue())


def test_bytes_round_trip(network):
    loaded, _ = model_from_bytes(model_to_bytes(network))
    np.testing.assert_array_equal(loaded.params["W1"], network.params["W1"])


@pytest.mark.parametrize("config", [True, [], "digits", 7])
def test_settings_that_are_not_an_object_are_refused(network, config):
    """Found by the fuzzer: a non-object "config" crashed the loader."""
    meta = np.array(json.dumps({"config": config}))
    with pytest.raises(ModelFileError, match="settings are invalid"):
        model_from_bytes(npz_bytes(meta=meta, **network.params))


# --- Hostile archives: every step of reading is bounded ----------------------------------

MEMORY_RISE_LIMIT = 50 * 1024 * 1024


def refusal_and_peak_memory(raw: bytes) -> tuple[str, int]:
    """The loader's message for raw and the most memory (bytes) Python and NumPy held meanwhile."""
    tracemalloc.start()
    try:
        model_from_bytes(raw)
    except ModelFileError as error:
        message = str(error)
    else:
        message = ""
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, peak


@pytest.mark.parametrize(
    "bomb,message",
    [
        (bzip2_header_bomb, "W1 is compressed with bzip2; only stored or deflate"),
        (deflate_bomb, "declares arrays larger than 64 MiB"),
        (functools.partial(deflate_bomb, lie=True), r"corrupt \(BadZipFile: Bad CRC-32 for file 'W1.npy'\)$"),
    ],
    ids=["bzip2 with a 4 GiB header length", "deflate declaring 128 MiB", "deflate lying about its size"],
)  # a lying member is read only up to its declared size, where zipfile checks the CRC of the whole stream
def test_archive_bombs_are_refused_without_inflating(bomb, message):
    raw = bomb()
    assert len(raw) < 200_000
    text, peak = refusal_and_peak_memory(raw)
    assert re.search(message, text), text
    assert "pickle" not in text
    assert peak < MEMORY_RISE_LIMIT, f"{peak / 2**20:.0f} MiB held while refusing"


def test_a_header_length_over_the_cap_is_refused_before_the_header_is_read(network):
    head = b"\x93NUMPY\x02\x00" + struct.pack("<I", 70_000)
    raw = npz_members({"W1": head + b" " * 70_000 + b"\n", "B1": b"", "W2": b"", "B2": b""})
    with pytest.raises(ModelFileError, match="declares a header of 70000 bytes; at most 65536"):
        model_from_bytes(raw)


def test_lzma_members_are_refused(network):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        for name, value in network.params.items():
            archive.writestr(f"{name}.npy", npy_bytes(value))
    with pytest.raises(ModelFileError, match="compressed with LZMA"):
        model_from_bytes(buffer.getvalue())


def test_savez_compressed_and_fortran_order_load(network):
    params = dict(network.params, W1=np.asfortranarray(network.params["W1"]))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **params)
    loaded, _ = model_from_bytes(buffer.getvalue())
    for name, value in network.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)


def test_zero_size_layer_is_refused():
    with pytest.raises(ModelFileError, match=r"W1 is \(0, 784\); every layer needs at least one neuron"):
        model_from_bytes(zero_width_model())


@pytest.mark.parametrize(
    "W1,message",
    [
        (np.array([["a", "b"]] * 10), "W1 is <U1, expected float32 or float64"),
        (np.zeros((10, 784), dtype="S3"), "W1 holds \\|S3, not plain numbers"),
        (np.zeros((10, 784), dtype=[("a", "<f8")]), "structured"),
        (np.zeros((10, 784), dtype="M8[s]"), "not plain numbers"),
        (np.zeros((10, 784, 1)), "3 dimensions"),
        (np.full((10, 784), np.inf), "NaN or infinite"),
        (np.zeros((10, 784), dtype=np.complex128), "complex128, expected float32"),
    ],
    ids=["text", "bytes", "records", "dates", "3-D", "infinite", "complex"],
)
def test_arrays_that_are_not_plain_weights_are_refused(network, W1, message):
    with pytest.raises(ModelFileError, match=message):
        model_from_bytes(npz_bytes(**dict(network.params, W1=W1)))


def test_a_header_promising_more_than_the_member_holds_is_refused_before_reading(network):
    raw = npz_bytes(**network.params).replace(b"'shape': (10, 784)", b"'shape': (9**9, 9)", 1)
    with pytest.raises(ModelFileError, match="unreadable .npy header"):  # an expression, not a literal
        model_from_bytes(raw)
    raw = npz_bytes(**network.params).replace(b"'shape': (10, 784)", b"'shape': (99,9999)", 1)
    with pytest.raises(ModelFileError, match="promises 7919208 bytes of data, but 62720 follow it"):
        model_from_bytes(raw)


def test_an_archive_directory_with_too_many_entries_is_refused_before_parsing():
    raw = npz_members({f"x{i}": b"" for i in range(30)})
    with pytest.raises(ModelFileError, match="holds 30 entries; a model has at most 19"):
        model_from_bytes(raw)


def test_an_oversized_meta_is_refused(network):
    meta = np.array(json.dumps({"pad": "x" * 20_000}))
    with pytest.raises(ModelFileError, match="'meta' entry is not a short JSON text"):
        model_from_bytes(npz_bytes(meta=meta, **network.params))


def test_model_files_that_are_devices_or_named_pipes_are_refused_unread(tmp_path):
    os.mkfifo(tmp_path / "pipe.npz")
    for path in ("/dev/zero", tmp_path / "pipe.npz", tmp_path):
        with pytest.raises(ModelFileError, match="not a regular file"):
            load_model(path)  # a blocking open() would wait for the pipe's writer forever


@pytest.mark.parametrize(
    "sizes,message",
    [
        ((784, 4097, 2), "hidden layer 1 has 4097 neurons; at most 4096"),
        ((784, 10, 11), "output layer has 11 neurons; a model of digits has 2 to 10"),
        ((784, 10, 1), "output layer has 1 neurons"),
    ],
)
def test_models_nnlib_could_not_have_made_are_refused(sizes, message):
    params = Network.create(sizes, rng=np.random.default_rng(0), dtype=np.float32).params
    with pytest.raises(ModelFileError, match=message):
        model_from_bytes(npz_bytes(**params))


def test_loaded_weights_are_writable_for_training_on(network):
    loaded, _ = model_from_bytes(model_to_bytes(network))
    assert all(value.flags.writeable for value in loaded.params.values())


@pytest.mark.parametrize(
    "settings",
    [
        {"hidden": [256, 128], "activation": "tanh", "output": "sigmoid"},
        {"hidden": [256, 128]},
        {"activation": "tanh"},
        {"output": "sigmoid"},
    ],
)
def test_settings_that_disagree_with_the_weights_are_refused(settings):
    network = Network.create((784, 4, 10), activation="relu", output="softmax", rng=np.random.default_rng(0))
    config = {"digits": list(range(10)), "hidden": [4], "activation": "relu", "output": "softmax"} | settings
    meta = {"activation": "relu", "output": "softmax", "config": config}
    with pytest.raises(
        ModelFileError, match=r"its settings say hidden layers .* but its weights are hidden layers \[4\]"
    ):
        model_from_bytes(npz_bytes(meta=np.array(json.dumps(meta)), **network.params))
    meta["config"] |= {"hidden": [4], "activation": "relu", "output": "softmax"}
    assert model_from_bytes(npz_bytes(meta=np.array(json.dumps(meta)), **network.params))[1].hidden == (4,)


@pytest.mark.parametrize("where", ["meta", "config"])
def test_unknown_activation_names_are_refused(network, where):
    meta = {"activation": "tanh", "output": "sigmoid", "config": {"digits": [0, 1], "hidden": [10]}}
    (meta if where == "meta" else meta["config"])["activation"] = "swish" * 100
    with pytest.raises(ModelFileError, match="unknown activation|settings are invalid") as caught:
        model_from_bytes(npz_bytes(meta=np.array(json.dumps(meta)), **network.params))
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("path", sorted(ROOT.glob("assets/models/*.npz")), ids=lambda path: path.name)
def test_the_shipped_models_agree_with_their_settings(path):
    network, config = load_model(path)
    assert config is None or (config.hidden, config.activation) == (tuple(network.sizes[1:-1]), network.activation)


HUGE = "1" + "0" * 4200  # more digits than Python turns into text


@pytest.mark.parametrize("shape", ["0, 1" + "0" * 4000, f"{HUGE}, 0", f"{HUGE}, {HUGE}"], ids=["4000", "4200", "two"])
def test_huge_dimensions_are_refused_with_a_short_message(network, shape):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({shape}), }}".encode()
    member = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
    members = {name: npy_bytes(value) for name, value in network.params.items()} | {"W1": member}
    with pytest.raises(ModelFileError, match=r"W1 has a dimension over 10\*\*9$") as caught:
        model_from_bytes(npz_members(members))
    assert len(str(caught.value)) < 100


def test_a_member_lying_about_its_size_with_a_matching_crc_is_read_only_as_far_as_it_declares():
    raw = deflate_bomb(lie=True, matching_crc=True)
    text, peak = refusal_and_peak_memory(raw)
    assert text == "" and peak < MEMORY_RISE_LIMIT  # the real 10×784 W1 it declares, nothing after it
    network, _ = model_from_bytes(raw)
    assert tuple(network.sizes) == (784, 10, 2) and not network.params["W1"].any()


def test_the_zip_end_record_is_looked_for_no_further_back_than_a_comment_can_reach(network):
    """zipfile also looks 65536 bytes back, where no real end record can be; we refuse that."""
    raw = npz_bytes(**network.params)
    assert model_from_bytes(raw + bytes(65535))[0].sizes == network.sizes
    too_far = raw + bytes(65536)
    assert zipfile.ZipFile(io.BytesIO(too_far)).namelist()  # zipfile still finds it there
    with pytest.raises(ModelFileError, match="zip directory is missing"):
        model_from_bytes(too_far)
