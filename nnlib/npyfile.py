"""The .npy format read by us, with a bound at every step, for files from outside.

NumPy's own reader trusts the header's declared length (read_array_header_2_0 reads
up to 4 GiB before its 10 kB check); here the magic, version and length are parsed
first and the length capped before the header is read, the header (a Python literal)
is parsed with ast.literal_eval, and only plain element types are accepted.
"""

from __future__ import annotations

import ast
import errno
import io
import math
import os
import stat
from dataclasses import dataclass

import numpy as np

MAX_HEADER_BYTES = 64 * 1024  # NumPy writes about 100 bytes
MAX_DIMENSION_DIGITS = 9
MAX_DIMENSION = 10**MAX_DIMENSION_DIGITS  # far over any file we read; keeps every number in a message short
READ_CHUNK = 1024 * 1024
NPY_MAGIC = b"\x93NUMPY"
NUMERIC_KINDS = "biufc"  # booleans, integers, floats, complex
TEXT_KIND = "U"


class NpyFormatError(ValueError):
    """A .npy that cannot be read safely, with a message for people."""


@dataclass(frozen=True)
class NpyHeader:
    """A .npy header: what the array holds and where its data starts."""

    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    data_offset: int  # bytes from the file's start: magic, version, length field, header

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize  # Python ints: no overflow


def read_header(handle, size: int, what: str, max_dimensions: int, kinds: str = NUMERIC_KINDS) -> NpyHeader:
    """The header of the .npy of `size` bytes that `handle` (a binary stream at its start)
    holds; checks that shape × itemsize is exactly the data that follows it."""
    prefix = read_exactly(handle, 10, what)
    if not prefix.startswith(NPY_MAGIC):
        raise NpyFormatError(f"{what} is not a NumPy array (.npy)")
    version = prefix[6]
    if version == 1:
        length, start = int.from_bytes(prefix[8:10], "little"), 10
    elif version in (2, 3):
        length, start = int.from_bytes(prefix[8:10] + read_exactly(handle, 2, what), "little"), 12
    else:
        raise NpyFormatError(f"{what} has .npy version {version}.{prefix[7]}, which is not supported")
    if length > MAX_HEADER_BYTES or start + length > size:
        raise NpyFormatError(
            f"{what} declares a header of {length} bytes; "
            f"at most {MAX_HEADER_BYTES} within its {size} bytes are allowed"
        )
    text = read_exactly(handle, length, what).decode("utf8" if version == 3 else "latin1", errors="replace")
    shape, dtype, fortran_order = parse_header(text, what, max_dimensions, kinds)
    header = NpyHeader(shape, dtype, fortran_order, start + length)
    if header.data_offset + header.nbytes != size:
        raise NpyFormatError(
            f"{what}: its header promises {header.nbytes} bytes of data, but {size - header.data_offset} follow it"
        )
    return header


def parse_header(text: str, what: str, max_dimensions: int, kinds: str) -> tuple[tuple[int, ...], np.dtype, bool]:
    """{'descr': '<f8', 'fortran_order': False, 'shape': (10, 784)} -> (shape, dtype, fortran_order).

    Only a plain element type of the given kinds: never objects, records (structured
    types), sub-arrays, raw bytes or dates."""
    try:
        fields = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NpyFormatError(f"{what} has an unreadable .npy header") from None
    if not isinstance(fields, dict) or set(fields) != {"descr", "fortran_order", "shape"}:
        raise NpyFormatError(f"{what} has an unreadable .npy header")
    shape, descr, fortran_order = fields["shape"], fields["descr"], fields["fortran_order"]
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise NpyFormatError(f"{what} has an unreadable .npy header (shape {str(shape)[:40]})")
    if len(shape) > max_dimensions:
        raise NpyFormatError(f"{what} has {len(shape)} dimensions; at most {max_dimensions} are allowed")
    if any(n > MAX_DIMENSION for n in shape):
        raise NpyFormatError(f"{what} has a dimension over 10**{MAX_DIMENSION_DIGITS}")
    if not isinstance(fortran_order, bool):
        raise NpyFormatError(f"{what} has an unreadable .npy header (fortran_order {str(fortran_order)[:40]})")
    if not isinstance(descr, str):
        raise NpyFormatError(f"{what} holds records (a structured type), which are refused")
    try:
        dtype = np.dtype(descr)
    except (TypeError, ValueError):
        raise NpyFormatError(f"{what} has an unknown element type {descr[:40]!r}") from None
    if dtype.hasobject:
        raise NpyFormatError(f"{what} holds Python objects (pickled), which are refused for safety")
    if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in kinds:
        raise NpyFormatError(f"{what} holds {dtype}, not plain numbers")
    return shape, dtype, fortran_order


def read_exactly(handle, size: int, what: str) -> bytearray:
    """size bytes from a binary stream, READ_CHUNK at a time, never more; NpyFormatError if it ends early."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = handle.read(min(READ_CHUNK, size - len(buffer)))
        if not chunk:
            raise NpyFormatError(f"{what} is truncated: it ends after {len(buffer)} of {size} bytes")
        buffer += chunk
    return buffer


def array_from(buffer: bytes | bytearray, header: NpyHeader) -> np.ndarray:
    """The array in a whole .npy file's bytes (shares the buffer: no copy; read-only for bytes)."""
    array = np.frombuffer(buffer, dtype=header.dtype, offset=header.data_offset)
    return array.reshape(header.shape, order="F" if header.fortran_order else "C")


def open_regular_file(path):
    """path opened for binary reading, once it is known to be a regular file: a named pipe
    (whose open() would wait for a writer forever), a device or a folder raises OSError."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe opens at once, without its writer
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, a named pipe or a device)")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular_file(path, max_bytes: int) -> bytes:
    """The bytes of a regular file (open_regular_file), at most max_bytes + 1 of them: a file
    still growing is read no further, and no buffer is larger than the file."""
    with open_regular_file(path) as handle:
        return handle.read(min(os.fstat(handle.fileno()).st_size, max_bytes) + 1)


def read_npy_file(path, what: str, max_bytes: int, max_dimensions: int) -> np.ndarray:
    """A plain numeric array from a .npy file of at most max_bytes; NpyFormatError otherwise
    (OSError when it cannot be opened or is not a regular file)."""
    raw = read_regular_file(path, max_bytes)
    if len(raw) > max_bytes:
        raise NpyFormatError(f"{what} is larger than {max_bytes // 2**20} MiB")
    header = read_header(io.BytesIO(raw), len(raw), what, max_dimensions)
    return array_from(raw, header)
