"""The prepared arrays shared with the workers as files mapped by every process (numpy.memmap).

``multiprocessing.shared_memory`` lives in /dev/shm, which Docker and Kubernetes size at
64 MB: writing a 79 MB block there raises SIGBUS and takes the whole server down. Plain
files in a private temporary folder are shared just as well (the page cache holds one copy
for every process that maps them), and writing them fails with an ordinary OSError when the
disk is full, never a signal.

- ``SharedFolder``: the server's folder (mode 0700), named after its process id and locked
  with ``flock`` for the server's life. The next server removes every folder whose lock it
  can take (its server is gone, even after SIGKILL), so nothing is left behind for long.
- ``SharedData``: one PreparedData written there once; ``map_shared`` maps it read-only.
- ``SharedSets``: a pool's shared sets, made on first use, the oldest unused ones deleted.
- ``file_backed``: the server's own prepared data, written once and mapped back, so the
  server's pages and every worker read one copy (the page cache's) and the server keeps no
  private copy of its own (in a 1 GiB container that copy was what left no room to train).
"""

from __future__ import annotations

import atexit
import collections
import dataclasses
import fcntl
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnlib.data import PreparedData

FOLDER_PREFIX = "nnlib-shared-"
LOCK_NAME = ".lock"


def shared_base() -> Path:
    """Where the server's folder goes: NNLIB_SHARED_DIR, else the system's temporary folder."""
    return Path(os.environ.get("NNLIB_SHARED_DIR") or tempfile.gettempdir())


def remove_stale_folders(base: Path) -> list[Path]:
    """Remove the folders of servers that are gone (their lock is free); return what was removed."""
    removed = []
    for folder in sorted(base.glob(f"{FOLDER_PREFIX}*")):
        if folder.is_dir() and not folder.is_symlink() and _owner_gone(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _owner_gone(folder: Path) -> bool:
    try:
        descriptor = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return True  # a server killed between creating the folder and locking it
    except OSError:
        return False  # not ours to judge (another user's)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)


class SharedFolder:
    """This server's private folder of shared arrays, locked while the server lives.

    Creating it first removes stale folders of dead servers. ``close`` removes it.
    """

    def __init__(self, base: Path | None = None):
        self.base = Path(base or shared_base())
        self.base.mkdir(parents=True, exist_ok=True)
        remove_stale_folders(self.base)
        self.path = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=self.base))  # mode 0700
        self._lock = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by workers
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._names = itertools.count()

    def new_file(self, suffix: str) -> Path:
        return self.path / f"{next(self._names)}-{suffix}.bin"

    def close(self) -> None:
        if self._lock is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            os.close(self._lock)
            self._lock = None


@dataclasses.dataclass(frozen=True)
class SharedArray:
    """Where one array lives: its file, shape and dtype."""

    path: str
    shape: tuple[int, ...]
    dtype: str


@dataclasses.dataclass(frozen=True)
class SharedDataSpec:
    """What a worker needs to map a PreparedData without copying it (picklable, tiny)."""

    key: tuple
    arrays: tuple[SharedArray, ...]  # X_train, y_train, X_test, y_test
    digits: tuple[int, ...]
    image_shape: tuple[int, int]


class SharedData:
    """One PreparedData written once into the server's SharedFolder; close() deletes its files.

    Raises OSError (e.g. no space left) with nothing left behind when the files cannot be written.
    """

    def __init__(self, key: tuple, data: PreparedData, folder: SharedFolder):
        self.source = data  # held, so id(data) in the key cannot be reused by other data
        self.paths: list[Path] = []
        arrays = []
        try:
            for name, array in zip(("X_train", "y_train", "X_test", "y_test"), _arrays(data)):
                path = folder.new_file(name)
                self.paths.append(path)
                np.ascontiguousarray(array).tofile(path)
                arrays.append(SharedArray(str(path), array.shape, array.dtype.str))
        except OSError:
            self.close()
            raise
        self.spec = SharedDataSpec(key, tuple(arrays), tuple(data.digits), tuple(data.image_shape))
        self.nbytes = sum(array.nbytes for array in _arrays(data))

    def close(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)
        self.paths = []


class SharedSets:
    """The prepared sets a pool shares with its workers, one SharedData per PreparedData object (the
    server prepares each set once, so this is once per digits/normalisation/dtype), in one SharedFolder."""

    KEPT = 6  # sets kept when no active run uses them

    def __init__(self):
        self.folder = SharedFolder()  # removes the folders of servers that died first
        self._sets: collections.OrderedDict[tuple, SharedData] = collections.OrderedDict()

    def share(self, data: PreparedData, in_use: Callable[[], set]) -> SharedDataSpec:
        """The data's spec: file_backed's files, else its own written on first use. in_use: the keys of
        the specs active runs use, never evicted."""
        already = file_backed_spec(data)
        if already is not None:
            return already
        key = (tuple(data.digits), data.X_train.dtype.str, data.X_train.shape, id(data))
        if key not in self._sets:
            self._sets[key] = SharedData(key, data, self.folder)
            self._evict(in_use())
        self._sets.move_to_end(key)
        return self._sets[key].spec

    def _evict(self, in_use: set) -> None:
        for key in list(self._sets):
            if len(self._sets) <= self.KEPT:
                break
            if key not in in_use:
                self._sets.pop(key).close()

    def nbytes(self) -> int:
        """What the shared files occupy, these sets' and file_backed's."""
        return sum(shared.nbytes for shared in self._sets.values()) + file_backed_bytes()

    def close(self) -> None:
        """Delete every file and the folder."""
        for shared in self._sets.values():
            shared.close()
        self._sets.clear()
        self.folder.close()


def _arrays(data: PreparedData) -> tuple[np.ndarray, ...]:
    return data.X_train, data.y_train, data.X_test, data.y_test


def map_shared(spec: SharedDataSpec) -> PreparedData:
    """A read-only PreparedData over the server's files (the page cache shares the pages)."""
    arrays = [_map(part) for part in spec.arrays]
    return PreparedData(*arrays, digits=spec.digits, image_shape=spec.image_shape)


def _map(part: SharedArray) -> np.ndarray:
    if int(np.prod(part.shape)) == 0:
        return np.empty(part.shape, np.dtype(part.dtype))  # mmap cannot map an empty file
    mapped = np.memmap(part.path, dtype=np.dtype(part.dtype), mode="r", shape=part.shape)
    return mapped.view(np.ndarray)  # a plain array: slices and batches are not memmaps


_file_backed: dict[int, SharedData] = {}  # id(mapped data) -> its files; read-only once made
_file_backed_lock = threading.Lock()
_file_backed_folder: SharedFolder | None = None


def file_backed(data: PreparedData) -> PreparedData:
    """The same arrays, read-only, from files this process writes once (see the module's text).

    The pool's ``share`` then hands the workers these files instead of writing a second copy.
    Where the files cannot be written (disk full) the data itself is returned.
    """
    global _file_backed_folder
    with _file_backed_lock:
        try:
            if _file_backed_folder is None:
                _file_backed_folder = SharedFolder()
                atexit.register(_file_backed_folder.close)
            key = ("file-backed", len(_file_backed), tuple(data.digits), data.X_train.dtype.str, data.X_train.shape)
            files = SharedData(key, data, _file_backed_folder)  # workers keep what they map by key
        except OSError:
            return data
        mapped = map_shared(files.spec)
        files.source = mapped  # keeps id(mapped) from being reused while the entry lives
        _file_backed[id(mapped)] = files
        return mapped


def file_backed_spec(data: PreparedData) -> SharedDataSpec | None:
    """The files behind data when file_backed made it; None for any other data."""
    files = _file_backed.get(id(data))
    return files.spec if files is not None and files.source is data else None


def file_backed_bytes() -> int:
    """What the file-backed data of this process occupies (page cache or tmpfs)."""
    return sum(files.nbytes for files in list(_file_backed.values()))
