"""Model files: .npz with W1, B1, W2, B2, ... in the blog's shapes, plus the config as JSON.

Loading never unpickles and reads a file with bounds at every step (see
_read_model_arrays): a wrong, corrupt or hostile upload gets a clear message and
never costs the server more memory than a real model would.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile

import numpy as np

from .config import HIDDEN_SIZE_RANGE, MAX_HIDDEN_LAYERS, ConfigError, TrainConfig
from .network import ACTIVATIONS, OUTPUTS, Network
from .npyfile import (
    NUMERIC_KINDS,
    TEXT_KIND,
    NpyFormatError,
    NpyHeader,
    array_from,
    read_exactly,
    read_header,
    read_regular_file,
)

MAX_MODEL_BYTES = 64 * 1024 * 1024  # a model file as stored
MAX_ARRAY_BYTES = 64 * 1024 * 1024  # all its arrays together, once inflated
MAX_META_BYTES = 64 * 1024  # the settings' JSON, as UTF-32 text (NumPy's 'U' type)
MAX_LAYERS = MAX_HIDDEN_LAYERS + 1
MAX_OUTPUTS = 10  # one per digit
MAX_ENTRIES = 2 * MAX_LAYERS + 1  # W1, B1, ... and meta
MAX_DIRECTORY_ENTRY_BYTES = 1024  # one entry of the zip's central directory, name and extras included
MAX_DIMENSIONS = 2
ACCEPTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what np.savez and np.savez_compressed write
COMPRESSION_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA"}
ZIP_END = struct.Struct("<4s4H2LH")  # the zip's end-of-central-directory record
ZIP_END_SIGNATURE = b"PK\x05\x06"
MAX_ZIP_COMMENT_BYTES = 65535  # the end record's comment length is 16 bits
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"


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
        raw = read_regular_file(path, MAX_MODEL_BYTES)
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelFileError(f"{path}: larger than the {MAX_MODEL_BYTES // 2**20} MiB allowed")
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
        arrays = _read_model_arrays(raw, source)
    except ModelFileError:
        raise
    except NpyFormatError as error:
        raise ModelFileError(str(error)) from None
    except Exception as error:  # a corrupt archive can fail in zipfile, zlib, struct, ...
        raise ModelFileError(f"{source} is corrupt ({type(error).__name__}: {_short(error, quoted=False)})") from None
    meta = _read_meta(arrays.pop("meta", None), source)
    params = _checked_values(arrays, source)
    activation, output, config = _checked_settings(meta, params, source)
    return Network(params, activation, output), config


def _checked_settings(meta: dict, params: dict, source: str) -> tuple[str, str, TrainConfig | None]:
    """The activation, output and training settings the meta gives, once they are known
    names and agree with the weights.

    Settings that disagree with the weights (other hidden sizes, activation or output) are
    refused rather than rebuilt from the weights: model_to_bytes writes both from one
    network, so such a file was edited or damaged, and the app would show, and train on
    from, an architecture the model does not have.
    """
    activation = meta.get("activation", "tanh")
    output = meta.get("output", "sigmoid")
    if not (
        isinstance(activation, str) and activation in ACTIVATIONS and isinstance(output, str) and output in OUTPUTS
    ):
        raise ModelFileError(f"{source}: unknown activation {_short(activation)} or output {_short(output)}")
    if meta.get("config") is None:
        return activation, output, None
    try:
        if not isinstance(meta["config"], dict):
            raise ConfigError("not a JSON object")
        config = TrainConfig.from_dict(meta["config"]).validate()
    except (ConfigError, TypeError, ValueError, AttributeError) as error:
        raise ModelFileError(f"{source}: its training settings are invalid ({_short(error, quoted=False)})") from None
    sizes = [params[f"W{l}"].shape[0] for l in range(1, len(params) // 2 + 1)]
    if len(config.digits) != sizes[-1]:
        raise ModelFileError(f"{source}: it has {sizes[-1]} outputs but was trained on {len(config.digits)} digits")
    if list(config.hidden) != sizes[:-1] or (config.activation, config.output) != (activation, output):
        raise ModelFileError(
            f"{source}: its settings say hidden layers {list(config.hidden)}, {config.activation}/{config.output}, "
            f"but its weights are hidden layers {sizes[:-1]}, {activation}/{output}"
        )
    return activation, output, config


def _is_one_of(value, names) -> bool:
    return isinstance(value, str) and value in names


def _short(value, quoted: bool = True, limit: int = 200) -> str:
    """A value from a file, for a message: at most limit characters."""
    text = repr(value) if quoted else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --- The bounded reader -----------------------------------------------------------------
# Every size an archive declares is checked against a cap before the bytes it promises are
# read or inflated, and inflation stops at the declared size, so a small hostile file can
# never make the reader hold more than MAX_ARRAY_BYTES (plus one chunk).


def _read_model_arrays(raw: bytes, source: str) -> dict[str, np.ndarray]:
    """The arrays of an .npz, by name, read with bounds at every step.

    The zip's directory is checked before zipfile parses it, every member's compression
    and declared size before it is opened, every .npy header (capped length, plain
    dtype, size matching the member) and the model's layer shapes before any data is read.
    """
    _check_zip_directory(raw, source)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = _checked_members(archive, source)
        headers = {name: _read_npy_header(archive, member, f"{source}: {name}") for name, member in members.items()}
        _check_layout(headers, source)
        return {
            name: _read_npy_data(archive, members[name], header, f"{source}: {name}")
            for name, header in headers.items()
        }


def _check_zip_directory(raw: bytes, source: str) -> None:
    """The zip's end record, found as zipfile finds it, read before zipfile builds an object
    for every entry of the central directory: a small directory, few entries, no ZIP64.

    The search window is one byte narrower than zipfile's (which starts 65536 bytes before
    the last record-sized tail): a zip comment is at most 65535 bytes, so a record further
    back cannot be the real one, and such a file is refused. Within the window both take the
    last signature, so whatever record is checked here is the one zipfile then reads."""
    if len(raw) >= ZIP_END.size and raw[-ZIP_END.size :].startswith(ZIP_END_SIGNATURE) and raw.endswith(b"\0\0"):
        start = len(raw) - ZIP_END.size
    else:
        start = raw.rfind(ZIP_END_SIGNATURE, max(0, len(raw) - ZIP_END.size - MAX_ZIP_COMMENT_BYTES))
    if start < 0 or len(raw) - start < ZIP_END.size:
        raise ModelFileError(f"{source} is not a valid .npz file (its zip directory is missing)")
    _, _, _, entries_here, entries, directory_size, directory_offset, _ = ZIP_END.unpack_from(raw, start)
    if raw[max(0, start - 20) : start].startswith(ZIP64_LOCATOR_SIGNATURE) or 0xFFFFFFFF in (
        directory_size,
        directory_offset,
    ):
        raise ModelFileError(f"{source} is a ZIP64 archive; a model file is small and never needs one")
    if max(entries, entries_here) > MAX_ENTRIES:
        raise ModelFileError(f"{source} holds {max(entries, entries_here)} entries; a model has at most {MAX_ENTRIES}")
    if directory_size > MAX_ENTRIES * MAX_DIRECTORY_ENTRY_BYTES:
        raise ModelFileError(f"{source} has a zip directory of {directory_size} bytes, too large for a model")


def _checked_members(archive: zipfile.ZipFile, source: str) -> dict[str, zipfile.ZipInfo]:
    """Members by array name, once their names, compression and declared sizes are checked."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ModelFileError(f"{source} holds {len(infos)} entries; a model has at most {MAX_ENTRIES}")
    members, declared = {}, 0
    for info in infos:
        name = info.filename.removesuffix(".npy")
        if name == info.filename or name in members:
            raise ModelFileError(f"{source} holds {info.filename!r}, which is not an array of a model")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{source}: {name} is encrypted")
        if info.compress_type not in ACCEPTED_COMPRESSION:
            method = COMPRESSION_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise ModelFileError(
                f"{source}: {name} is compressed with {method}; only stored or deflate members are accepted"
            )
        declared += info.file_size
        if declared > MAX_ARRAY_BYTES:
            raise ModelFileError(f"{source} declares arrays larger than {MAX_ARRAY_BYTES // 2**20} MiB in all")
        members[name] = info
    return members


def _read_npy_header(archive: zipfile.ZipFile, member: zipfile.ZipInfo, what: str) -> NpyHeader:
    with archive.open(member) as handle:
        return read_header(handle, member.file_size, what, MAX_DIMENSIONS, NUMERIC_KINDS + TEXT_KIND)


def _read_npy_data(archive: zipfile.ZipFile, member: zipfile.ZipInfo, header: NpyHeader, what: str) -> np.ndarray:
    """The member's array, read in chunks that stop at its declared size. zipfile inflates
    no further than that size, so a member whose stream goes on is never read past it (its
    CRC, of the whole stream, then fails: zipfile.BadZipFile)."""
    with archive.open(member) as handle:
        buffer = read_exactly(handle, member.file_size, what)
    return array_from(buffer, header)


def _check_layout(headers: dict[str, NpyHeader], source: str) -> None:
    """From the headers alone: W1, B1, ... float arrays whose shapes chain, no layer
    without neurons, and at most a small text 'meta'. Runs before any data is read."""
    meta = headers.get("meta")
    if meta is not None and (meta.dtype.kind != "U" or meta.shape != () or meta.nbytes > MAX_META_BYTES):
        raise ModelFileError(f"{source}: its 'meta' entry is not a short JSON text")
    shapes = {name: header.shape for name, header in headers.items() if name != "meta"}
    layers = len([name for name in shapes if name.startswith("W")])
    expected = {f"{kind}{l}" for l in range(1, layers + 1) for kind in "WB"}
    if layers == 0 or set(shapes) != expected:
        raise ModelFileError(f"{source}: expected arrays W1, B1, W2, B2, ... but found {sorted(shapes) or 'none'}")
    if layers > MAX_LAYERS:
        raise ModelFileError(f"{source}: {layers} layers, at most {MAX_LAYERS} are supported")
    width = None
    for l in range(1, layers + 1):
        for name in (f"W{l}", f"B{l}"):
            if headers[name].dtype not in (np.float32, np.float64):
                raise ModelFileError(f"{source}: {name} is {headers[name].dtype}, expected float32 or float64")
        W, B = shapes[f"W{l}"], shapes[f"B{l}"]
        if len(W) != 2 or B != (W[0], 1):
            raise ModelFileError(f"{source}: W{l} is {W} and B{l} is {B}; expected (n, k) and (n, 1)")
        if 0 in W:
            raise ModelFileError(f"{source}: W{l} is {W}; every layer needs at least one neuron and one input")
        if width is not None and W[1] != width:
            raise ModelFileError(f"{source}: W{l} takes {W[1]} inputs but layer {l - 1} has {width} neurons")
        if l < layers and W[0] > HIDDEN_SIZE_RANGE[1]:
            raise ModelFileError(
                f"{source}: hidden layer {l} has {W[0]} neurons; at most {HIDDEN_SIZE_RANGE[1]} are supported"
            )
        width = W[0]
    if not 2 <= width <= MAX_OUTPUTS:
        raise ModelFileError(
            f"{source}: the output layer has {width} neurons; a model of digits has 2 to {MAX_OUTPUTS}"
        )


def _read_meta(array, source: str) -> dict:
    if array is None:
        return {}
    try:
        meta = json.loads(str(array[()]))
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise ModelFileError(f"{source}: its 'meta' entry is not JSON") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{source}: its 'meta' entry is not a JSON object")
    return meta


def _checked_values(arrays: dict, source: str) -> dict[str, np.ndarray]:
    """The parameters, finite, as writable arrays of W1's dtype (shapes were checked by _check_layout)."""
    params = {}
    dtype = arrays["W1"].dtype
    for name in sorted(arrays, key=lambda name: (int(name[1:]), name[0] == "B")):
        if not np.isfinite(arrays[name]).all():
            raise ModelFileError(f"{source}: {name} holds NaN or infinite values")
        params[name] = arrays[name].astype(dtype, copy=False)  # writable: read into a bytearray
    return params
