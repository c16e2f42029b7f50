"""A container-like setting made here, for tests and benchmarks: cgroup limits and a small /dev/shm.

    with cgroup_v1_limits(cpu_quota=1.0, memory_bytes=2**30) as groups:
        server = start_server(log, prefix=small_shm_prefix(64))
        groups.add(server.pid)

``cgroup_v1_limits`` makes child groups (cpu and memory) under this process's own, as root,
and removes them afterwards; ``CgroupUnavailable`` says why it could not (not root, no v1
hierarchy, read-only). ``small_shm_prefix`` runs a command in its own mount namespace with a
tmpfs of the given size on /dev/shm, as Docker's default 64 MB.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from pathlib import Path

from server.limits import CGROUP_ROOT, PROC_CGROUP, own_groups


class CgroupUnavailable(RuntimeError):
    """Child cgroups cannot be made here; the message says why (for a test's skip)."""


class ChildGroups:
    """The groups made; add(pid) moves a process (and the processes it starts later) into them."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def add(self, pid: int) -> None:
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))


def _own_v1_folder(controller: str) -> Path:
    groups = own_groups(PROC_CGROUP.read_text())
    mount = CGROUP_ROOT / controller
    if controller not in groups or not (mount / "cgroup.procs").exists():
        raise CgroupUnavailable(f"no cgroup v1 '{controller}' hierarchy at {mount}")
    return mount / groups[controller].lstrip("/")


@contextlib.contextmanager
def cgroup_v1_limits(cpu_quota: float | None = 1.0, memory_bytes: int | None = 2**30):
    """Child cgroups with a CPU quota (CPUs) and a memory limit (bytes), removed on exit."""
    if os.geteuid() != 0:
        raise CgroupUnavailable("making cgroups needs root")
    name = f"nnlib-test-{uuid.uuid4().hex[:8]}"
    folders = []
    try:
        if cpu_quota is not None:
            folder = _make(_own_v1_folder("cpu") / name)
            folders.append(folder)
            (folder / "cpu.cfs_period_us").write_text("100000")
            (folder / "cpu.cfs_quota_us").write_text(str(int(cpu_quota * 100_000)))
        if memory_bytes is not None:
            folder = _make(_own_v1_folder("memory") / name)
            folders.append(folder)
            (folder / "memory.limit_in_bytes").write_text(str(memory_bytes))
        yield ChildGroups(folders)
    finally:
        for folder in folders:
            _remove(folder)


def _make(folder: Path) -> Path:
    try:
        folder.mkdir()
    except OSError as error:
        raise CgroupUnavailable(f"cannot make {folder}: {error}") from None
    return folder


def _remove(folder: Path, wait_s: float = 20.0) -> None:
    """rmdir a cgroup once its processes have ended (a stopped server's workers take a moment)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            folder.rmdir()
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.2)


def small_shm_prefix(megabytes: int = 64) -> list[str]:
    """A command prefix: its own mount namespace with a megabytes-sized tmpfs on /dev/shm."""
    unshare, sh = shutil.which("unshare"), shutil.which("sh")
    if unshare is None or os.geteuid() != 0:
        raise CgroupUnavailable("a private /dev/shm needs unshare and root")
    return [unshare, "-m", sh, "-c", f'mount -t tmpfs -o size={megabytes}m tmpfs /dev/shm && exec "$@"', "sh"]


@contextlib.contextmanager
def cgroup_v1_cpu_account(groups: ChildGroups):
    """The CPU the processes in groups receive: yields a callable -> CPU-seconds (cpuacct.usage).

    Where cpu and cpuacct share a hierarchy the cpu group made already counts; otherwise a child
    cpuacct group (v1) is made, added to groups (so groups.add covers it) and removed on exit.
    """
    counted = [folder for folder in groups.folders if (folder / "cpuacct.usage").exists()]
    folder = counted[0] if counted else _make(_own_v1_folder("cpuacct") / f"nnlib-test-{uuid.uuid4().hex[:8]}")
    if not counted:
        groups.folders.append(folder)
    try:
        yield lambda: int((folder / "cpuacct.usage").read_text()) / 1e9
    finally:
        if not counted:
            groups.folders.remove(folder)
            _remove(folder)


def memory_peak_bytes(groups: ChildGroups) -> int | None:
    """The memory group's peak usage (v1 memory.max_usage_in_bytes: page cache included), if one."""
    for folder in groups.folders:
        peak = folder / "memory.max_usage_in_bytes"
        if peak.exists():
            return int(peak.read_text())
    return None


def _v2_mount(mounts: Path = Path("/proc/self/mounts")) -> Path:
    for line in mounts.read_text().splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[2] == "cgroup2":
            return Path(fields[1])
    raise CgroupUnavailable("no cgroup v2 hierarchy mounted")


@contextlib.contextmanager
def cgroup_v2_limits(cpu_quota: float | None = 1.0, memory_bytes: int | None = 2**30):
    """A child cgroup v2 group with cpu.max (CPUs) and memory.max (bytes), removed on exit.

    Needs root and a v2 hierarchy offering the cpu and memory controllers; on a hybrid host
    they are usually bound to v1 instead, and CgroupUnavailable names what v2 offers.
    """
    if os.geteuid() != 0:
        raise CgroupUnavailable("making cgroups (v2) needs root")
    mount = _v2_mount()
    parent = mount / own_groups(PROC_CGROUP.read_text()).get("", "/").lstrip("/")
    offered = (parent / "cgroup.controllers").read_text().split() if (parent / "cgroup.controllers").exists() else []
    needed = [name for name, wanted in (("cpu", cpu_quota), ("memory", memory_bytes)) if wanted is not None]
    if not set(needed) <= set(offered):
        raise CgroupUnavailable(
            f"cgroup v2 at {mount} offers {' '.join(offered) or 'no controllers'}, not {' and '.join(needed)} "
            "(bound to cgroup v1 on this host)"
        )
    try:
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in needed))
    except OSError as error:
        raise CgroupUnavailable(f"cgroup v2: cannot enable {needed} under {parent}: {error}") from None
    folder = _make(parent / f"nnlib-test-{uuid.uuid4().hex[:8]}")
    try:
        if cpu_quota is not None:
            (folder / "cpu.max").write_text(f"{int(cpu_quota * 100_000)} 100000")
        if memory_bytes is not None:
            (folder / "memory.max").write_text(str(memory_bytes))
        yield ChildGroups([folder])
    finally:
        _remove(folder)
