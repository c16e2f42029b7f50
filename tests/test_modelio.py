"""Model files: round trip, and every kind of bad file gets a clear error."""

import io
import pickle
import zipfile

import numpy as np
import pytest

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
    import json

    meta = np.array(json.dumps({"config": config}))
    with pytest.raises(ModelFileError, match="settings are invalid"):
        model_from_bytes(npz_bytes(meta=meta, **network.params))
