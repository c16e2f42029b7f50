"""Model files: .npz with W1, B1, W2, B2, ... in the blog's shapes, plus the config as JSON.

Loading never unpickles (allow_pickle=False) and checks everything a file
could get wrong, so a wrong, corrupt or hostile upload gets a clear message.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile

import numpy as np

from .config import ConfigError, TrainConfig
from .network import ACTIVATIONS, OUTPUTS, Network

MAX_MODEL_BYTES = 64 * 1024 * 1024
MAX_LAYERS = 9


class ModelFileError(ValueError):
    """A model file that cannot be used, with a message for people."""


def model_to_bytes(network: Network, config: TrainConfig | None = None) -> bytes:
    """The .npz bytes of a network (and the config it was trained with)."""
    meta = {
        "activation": network.activation,
        "output": network.output,
        "config": config.to_dict() if config else None,
        "format": "nnlib-1",
    }
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **network.params)
    return buffer.getvalue()


def save_model(path: str | os.PathLike, network: Network, config: TrainConfig | None = None) -> None:
    with open(path, "wb") as handle:
        handle.write(model_to_bytes(network, config))


def load_model(path: str | os.PathLike) -> tuple[Network, TrainConfig | None]:
    try:
        size = os.path.getsize(path)
        if size > MAX_MODEL_BYTES:
            raise ModelFileError(f"{path}: {size} bytes, larger than the {MAX_MODEL_BYTES // 2**20} MiB allowed")
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    return model_from_bytes(raw, source=str(path))


def model_from_bytes(raw: bytes, source: str = "the model file") -> tuple[Network, TrainConfig | None]:
    """Parse and validate .npz bytes; raise ModelFileError on anything wrong."""
    if not raw:
        raise ModelFileError(f"{source} is empty")
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelFileError(f"{source} is larger than {MAX_MODEL_BYTES // 2**20} MiB")
    if not raw.startswith(b"PK"):
        raise ModelFileError(f"{source} is not an .npz file (a zip archive of arrays)")
    try:
        _check_array_headers(raw, source)
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except ModelFileError:
        raise
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ModelFileError(f"{source} holds pickled objects, which are refused for safety") from None
        raise ModelFileError(f"{source} is not a valid .npz file ({error})") from None
    except Exception as error:  # a corrupt archive can fail in zipfile, zlib, struct, ...
        raise ModelFileError(f"{source} is corrupt ({type(error).__name__}: {error})") from None
    meta = _read_meta(arrays.pop("meta", None), source)
    params = _check_params(arrays, source)
    activation = meta.get("activation", "tanh")
    output = meta.get("output", "sigmoid")
    if (
        not isinstance(activation, str)
        or not isinstance(output, str)
        or activation not in ACTIVATIONS
        or output not in OUTPUTS
    ):
        raise ModelFileError(f"{source}: unknown activation {activation!r} or output {output!r}")
    config = None
    if meta.get("config") is not None:
        try:
            if not isinstance(meta["config"], dict):
                raise ConfigError("not a JSON object")
            config = TrainConfig.from_dict(meta["config"]).validate()
        except (ConfigError, TypeError, ValueError, AttributeError) as error:
            raise ModelFileError(f"{source}: its training settings are invalid ({error})") from None
        if len(config.digits) != params[f"W{len(params) // 2}"].shape[0]:
            raise ModelFileError(
                f"{source}: it has {params[f'W{len(params) // 2}'].shape[0]} outputs "
                f"but was trained on {len(config.digits)} digits"
            )
    return Network(params, activation, output), config


def settings_for(network: Network, config: TrainConfig | None) -> TrainConfig:
    """The file's settings, or the ones a settings-less file implies: its layer sizes,
    activation and output, one class per output (digits 0, 1, ...), the blog's
    min-max normalisation."""
    if config is not None:
        return config
    return TrainConfig(
        digits=tuple(range(network.sizes[-1])),
        hidden=tuple(network.sizes[1:-1]),
        activation=network.activation,
        output=network.output,
        dtype=str(network.dtype),
    )


def open_model(
    source: str | os.PathLike | bytes, input_size: int | None = None, name: str = "the model file"
) -> tuple[Network, TrainConfig]:
    """The one way in for a model a user gives: a path or the bytes of an upload.

    Checks everything load_model does, then that it takes input_size inputs (the
    images' pixel count) when given, and fills in settings a file lacks
    (settings_for). Raises ModelFileError with a message for people.
    """
    if isinstance(source, bytes):
        network, config = model_from_bytes(source, source=name)
    else:
        network, config = load_model(source)
        name = str(source)
    if input_size is not None and network.sizes[0] != input_size:
        raise ModelFileError(f"{name} takes {network.sizes[0]} inputs, but the images have {input_size} pixels")
    return network, settings_for(network, config)


def _check_array_headers(raw: bytes, source: str) -> None:
    """Read every member's .npy header before any data: refuse object arrays,
    members that are not arrays, and sizes that a hostile header inflates."""
    declared = 0
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = archive.infolist()
        if len(members) > 2 * MAX_LAYERS + 1:
            raise ModelFileError(f"{source} holds {len(members)} entries; a model has at most {2 * MAX_LAYERS + 1}")
        for member in members:
            if not member.filename.endswith(".npy"):
                raise ModelFileError(f"{source} holds {member.filename!r}, which is not an array")
            with archive.open(member) as handle:
                version = np.lib.format.read_magic(handle)
                reader = (
                    np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = reader(handle)
            if dtype.hasobject:
                raise ModelFileError(f"{source} holds pickled objects, which are refused for safety")
            declared += math.prod(shape) * dtype.itemsize  # Python ints: no overflow
            if declared > MAX_MODEL_BYTES:
                raise ModelFileError(f"{source} declares arrays larger than {MAX_MODEL_BYTES // 2**20} MiB")


def _read_meta(array, source: str) -> dict:
    if array is None:
        return {}
    try:
        meta = json.loads(str(array))
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise ModelFileError(f"{source}: its 'meta' entry is not JSON") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{source}: its 'meta' entry is not a JSON object")
    return meta


def _check_params(arrays: dict, source: str) -> dict[str, np.ndarray]:
    """W1, B1, ... present, numeric, finite and with shapes that chain."""
    layers = len([name for name in arrays if name.startswith("W")])
    expected = {f"{kind}{l}" for l in range(1, layers + 1) for kind in "WB"}
    if layers == 0 or set(arrays) != expected:
        raise ModelFileError(f"{source}: expected arrays W1, B1, W2, B2, ... but found {sorted(arrays) or 'none'}")
    if layers > MAX_LAYERS:
        raise ModelFileError(f"{source}: {layers} layers, at most {MAX_LAYERS} are supported")
    params = {}
    width = None
    for l in range(1, layers + 1):
        W, B = arrays[f"W{l}"], arrays[f"B{l}"]
        for name, array in ((f"W{l}", W), (f"B{l}", B)):
            if array.dtype not in (np.float32, np.float64):
                raise ModelFileError(f"{source}: {name} is {array.dtype}, expected float32 or float64")
            if not np.isfinite(array).all():
                raise ModelFileError(f"{source}: {name} holds NaN or infinite values")
        if W.ndim != 2 or B.shape != (W.shape[0], 1):
            raise ModelFileError(f"{source}: W{l} is {W.shape} and B{l} is {B.shape}; expected (n, k) and (n, 1)")
        if width is not None and W.shape[1] != width:
            raise ModelFileError(f"{source}: W{l} takes {W.shape[1]} inputs but layer {l - 1} has {width} neurons")
        width = W.shape[0]
        dtype = arrays["W1"].dtype
        params[f"W{l}"], params[f"B{l}"] = W.astype(dtype), B.astype(dtype)
    if arrays[f"W{layers}"].shape[0] < 2:
        raise ModelFileError(f"{source}: the output layer must have at least 2 neurons")
    return params
