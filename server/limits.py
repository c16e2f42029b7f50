"""The CPU and memory a container gives this process, read from its cgroups (v2 and v1).

A container limited to one CPU on a 16-core host still shows 16 cores in its CPU affinity;
its quota is in ``cpu.max`` (v2) or ``cpu.cfs_quota_us / cpu.cfs_period_us`` (v1), its memory
limit in ``memory.max`` (v2) or ``memory.limit_in_bytes`` (v1). A limit set on a parent group
binds its children too, so every group from this process's own up to the root is read and the
smallest limit wins. No cgroup files (a laptop, macOS): no limits, today's behaviour.

Pure: file reads only, with the roots as parameters so tests can hand in fake trees.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")
UNLIMITED_BYTES = 1 << 60  # v1 writes "no limit" as a page-rounded 2**63 - 1


@dataclass(frozen=True)
class Limits:
    """cpu_quota: CPUs of quota (e.g. 1.5), None without one; memory_bytes: None without a limit.
    source: where they came from, for the page and the README ("cgroup v1", "cgroup v2", "none")."""

    cpu_quota: float | None
    memory_bytes: int | None
    source: str


def own_groups(proc_cgroup_text: str) -> dict[str, str]:
    """Controller -> this process's group path, from /proc/self/cgroup ("" is v2's unified line)."""
    groups = {}
    for line in proc_cgroup_text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups


def _ancestors(folder: Path, root: Path) -> list[Path]:
    """folder, its parent, … up to root (each must lie under root)."""
    found = [folder]
    while found[-1] != root and root in found[-1].parents:
        found.append(found[-1].parent)
    return found


def _group_folders(root: Path, mount: str, path: str) -> list[Path]:
    folder = root / mount / path.lstrip("/") if mount else root / path.lstrip("/")
    if not folder.is_dir():  # in a container's cgroup namespace the path may be shown from the host
        folder = root / mount if mount else root
    return _ancestors(folder, root / mount if mount else root)


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _v1_mount(root: Path, controller: str) -> str | None:
    """The v1 hierarchy folder holding controller ("cpu", "cpu,cpuacct", …), if mounted."""
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.is_dir() and controller in entry.name.split(","):
            return entry.name
    return None


def _v2_cpu(folders: list[Path]) -> float | None:
    quotas = []
    for folder in folders:
        text = _read(folder / "cpu.max")
        if text and not text.startswith("max"):
            quota, _, period = text.partition(" ")
            quotas.append(int(quota) / int(period or 100_000))
    return min(quotas, default=None)


def _v1_cpu(folders: list[Path]) -> float | None:
    quotas = []
    for folder in folders:
        quota, period = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
        if quota and period and int(quota) > 0 and int(period) > 0:
            quotas.append(int(quota) / int(period))
    return min(quotas, default=None)


def _memory(folders: list[Path], name: str) -> int | None:
    limits = []
    for folder in folders:
        text = _read(folder / name)
        if text and text != "max" and text.isdigit() and int(text) < UNLIMITED_BYTES:
            limits.append(int(text))
    return min(limits, default=None)


def read_limits(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> Limits:
    """The CPU quota and memory limit of this process's cgroups (v1, else v2), or none."""
    groups = own_groups(_read(proc_cgroup) or "")
    cpu_mount, memory_mount = _v1_mount(root, "cpu"), _v1_mount(root, "memory")
    if (cpu_mount and "cpu" in groups) or (memory_mount and "memory" in groups):
        cpu = _v1_cpu(_group_folders(root, cpu_mount, groups["cpu"])) if cpu_mount and "cpu" in groups else None
        memory = None
        if memory_mount and "memory" in groups:
            memory = _memory(_group_folders(root, memory_mount, groups["memory"]), "memory.limit_in_bytes")
        return Limits(cpu, memory, "cgroup v1")
    if "" in groups and (root / "cgroup.controllers").exists():
        folders = _group_folders(root, "", groups[""])
        return Limits(_v2_cpu(folders), _memory(folders, "memory.max"), "cgroup v2")
    return Limits(None, None, "none")


def affinity_cores() -> int:
    """The cores this process may run on (its CPU affinity), not every core of the machine."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def usable_cores(limits: Limits | None = None) -> int:
    """The CPU quota rounded down (at least 1), capped by the affinity; the affinity without a quota."""
    limits = read_limits() if limits is None else limits
    cores = affinity_cores()
    if limits.cpu_quota is not None:
        cores = min(cores, max(1, math.floor(limits.cpu_quota)))
    return cores


def positive_int_env(name: str, what: str) -> int | None:
    """The environment variable name as a whole number ≥ 1, None when unset; a clear ValueError
    (naming the variable and what it takes) for anything else."""
    text = os.environ.get(name, "")
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be {what} ≥ 1, got {text!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be {what} ≥ 1, got {text!r}")
    return value


def memory_limit_bytes(limits: Limits | None = None) -> int | None:
    """NNLIB_MEMORY_MB when set (a whole number of MB), else the cgroup's memory limit, else None."""
    megabytes = positive_int_env("NNLIB_MEMORY_MB", "a whole number of megabytes")
    if megabytes is not None:
        return megabytes * 2**20
    limits = read_limits() if limits is None else limits
    return limits.memory_bytes
