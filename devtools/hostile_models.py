"""Hostile files for tests: model archives (.npz) that are bombs or lie about their sizes,
and pictures whose headers declare billions of pixels.

Each is small on disk and would make a careless reader inflate hundreds of megabytes.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import numpy as np

NPY_MAGIC = b"\x93NUMPY"
MiB = 1024 * 1024


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npz_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    """An .npz of ready-made member bytes (name -> the .npy file's bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, raw in members.items():
            archive.writestr(f"{name}.npy", raw)
    return buffer.getvalue()


def _streamed_member(archive: zipfile.ZipFile, name: str, compression: int, head: bytes, fill: bytes, size: int):
    """Write head followed by fill repeated up to size bytes, a MiB at a time (never all in memory)."""
    info = zipfile.ZipInfo(f"{name}.npy")
    info.compress_type = compression
    with archive.open(info, "w") as handle:
        handle.write(head)
        written = len(head)
        block = fill * (MiB // len(fill))
        while written < size:
            handle.write(block[: size - written])
            written += len(block[: size - written])


@functools.cache
def bzip2_header_bomb(inflated: int = 256 * MiB) -> bytes:
    """One bzip2 member whose .npy (version 2.0) header declares a 4 GiB header length,
    followed by `inflated` bytes of spaces: a few hundred bytes on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        head = NPY_MAGIC + b"\x02\x00" + struct.pack("<I", 2**32 - 1)
        _streamed_member(archive, "W1", zipfile.ZIP_BZIP2, head, b" ", inflated)
    return buffer.getvalue()


def _model_members(sizes=(784, 10, 2)) -> dict[str, bytes]:
    members = {}
    for l, (inputs, outputs) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        members[f"W{l}"] = npy_bytes(np.zeros((outputs, inputs)))
        members[f"B{l}"] = npy_bytes(np.zeros((outputs, 1)))
    return members


@functools.cache
def deflate_bomb(inflated: int = 128 * MiB, lie: bool = False, matching_crc: bool = False) -> bytes:
    """A 784-10-2 model whose W1 member is deflated zeros, `inflated` bytes in all.

    Honest (lie=False): W1's header and the member's declared size say `inflated`.
    Lying (lie=True): the header and the zip's sizes say a real 10×784 W1 (62,848 bytes),
    but the compressed stream goes on to `inflated` bytes; with matching_crc, the zip's
    CRC is that of the declared 62,848 bytes (the stream's start), not of the whole stream."""
    members = _model_members()
    real_w1 = members.pop("W1")
    shape = (10, 784) if lie else ((inflated - 128) // 8,)
    head = _npy_header(shape)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _streamed_member(archive, "W1", zipfile.ZIP_DEFLATED, head, b"\0", inflated)
        for name, raw in members.items():
            archive.writestr(f"{name}.npy", raw)
    raw = buffer.getvalue()
    if not lie:
        return raw
    crc = zlib.crc32(head + bytes(len(real_w1) - len(head))) if matching_crc else None
    return _with_declared_size(raw, "W1.npy", len(real_w1), crc)


def _npy_header(shape: tuple[int, ...]) -> bytes:
    """A version 1.0 .npy header for float64 of that shape, padded as NumPy pads it."""
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}"
    padding = 64 - (10 + len(text) + 1) % 64
    text += " " * padding + "\n"
    return NPY_MAGIC + b"\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def _with_declared_size(raw: bytes, filename: str, size: int, crc: int | None = None) -> bytes:
    """The archive with one member's uncompressed size (and CRC, when given) rewritten, in its
    local header and in the directory."""
    patched = bytearray(raw)
    name = filename.encode()
    for signature, name_at, size_at, crc_at in ((b"PK\x03\x04", 30, 22, 14), (b"PK\x01\x02", 46, 24, 16)):
        header = raw.index(signature)  # the local header, then the directory's entry
        while raw[header + name_at : header + name_at + len(name)] != name:
            header = raw.index(signature, header + 4)
        struct.pack_into("<I", patched, header + size_at, size)
        if crc is not None:
            struct.pack_into("<I", patched, header + crc_at, crc)
    return bytes(patched)


def zero_width_model() -> bytes:
    """A 784-0-2 model: a hidden layer with no neurons."""
    return npz_bytes(
        {
            "W1": npy_bytes(np.zeros((0, 784))),
            "B1": npy_bytes(np.zeros((0, 1))),
            "W2": npy_bytes(np.zeros((2, 0))),
            "B2": npy_bytes(np.zeros((2, 1))),
        }
    )


def png_header_bomb(width: int, height: int) -> bytes:
    """A valid-looking 1-bit greyscale PNG of width × height whose pixel data is one
    short deflate stream: a hundred bytes that a decoder would expand to the full size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )
