"""Limits read from cgroups: fake v1 and v2 trees in tmp folders (pure reading, no processes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.limits import Limits, memory_limit_bytes, read_limits, usable_cores


def write(folder: Path, **files: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text + "\n")


def v1_tree(tmp_path: Path, quota: str, memory: str) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    write(root / "cpu,cpuacct", cgroup__procs="", cpu__cfs_quota_us="-1", cpu__cfs_period_us="100000")
    write(root / "cpu,cpuacct" / "docker" / "abc", cpu__cfs_quota_us=quota, cpu__cfs_period_us="100000")
    write(root / "memory", memory__limit_in_bytes="9223372036854771712")
    write(root / "memory" / "docker" / "abc", memory__limit_in_bytes=memory)
    proc = tmp_path / "cgroup.txt"
    proc.write_text("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n")
    return root, proc


def v2_tree(tmp_path: Path, cpu_max: str, memory_max: str, parent_memory: str = "max") -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    write(root, cgroup__controllers="cpu memory")
    write(root / "kubepods", cpu__max="max 100000", memory__max=parent_memory)
    write(root / "kubepods" / "pod1", cpu__max=cpu_max, memory__max=memory_max)
    proc = tmp_path / "cgroup.txt"
    proc.write_text("0::/kubepods/pod1\n")
    return root, proc


def test_v1_quota_and_memory_limit(tmp_path):
    root, proc = v1_tree(tmp_path, quota="150000", memory=str(2**30))
    assert read_limits(root, proc) == Limits(1.5, 2**30, "cgroup v1")


def test_v1_without_limits_is_unlimited(tmp_path):
    root, proc = v1_tree(tmp_path, quota="-1", memory="9223372036854771712")
    assert read_limits(root, proc) == Limits(None, None, "cgroup v1")


def test_v2_quota_and_the_smaller_of_own_and_parent_memory(tmp_path):
    root, proc = v2_tree(tmp_path, cpu_max="250000 100000", memory_max="max", parent_memory=str(512 * 2**20))
    assert read_limits(root, proc) == Limits(2.5, 512 * 2**20, "cgroup v2")


def test_v2_max_means_no_limit(tmp_path):
    root, proc = v2_tree(tmp_path, cpu_max="max 100000", memory_max="max")
    assert read_limits(root, proc) == Limits(None, None, "cgroup v2")


def test_v2_path_from_the_host_falls_back_to_the_namespace_root(tmp_path):
    root = tmp_path / "cgroup"
    write(root, cgroup__controllers="cpu memory", cpu__max="100000 100000", memory__max=str(2**30))
    proc = tmp_path / "cgroup.txt"
    proc.write_text("0::/system.slice/docker-abc.scope\n")  # not under this root: a cgroup namespace
    assert read_limits(root, proc) == Limits(1.0, 2**30, "cgroup v2")


def test_no_cgroup_files_means_no_limits(tmp_path):
    assert read_limits(tmp_path / "absent", tmp_path / "absent.txt") == Limits(None, None, "none")


@pytest.mark.parametrize(
    "quota, expected",
    [(None, 2), (0.5, 1), (1.0, 1), (1.99, 1), (2.0, 2), (64.0, 2)],
)
def test_workers_follow_the_quota_rounded_down_at_least_one_and_at_most_the_affinity(monkeypatch, quota, expected):
    monkeypatch.setattr("server.limits.affinity_cores", lambda: 2)
    assert usable_cores(Limits(quota, None, "test")) == expected


def test_memory_setting_wins_over_the_cgroup(monkeypatch):
    monkeypatch.setenv("NNLIB_MEMORY_MB", "700")
    assert memory_limit_bytes(Limits(None, 2**30, "cgroup v2")) == 700 * 2**20
    monkeypatch.setenv("NNLIB_MEMORY_MB", "lots")
    with pytest.raises(ValueError, match="NNLIB_MEMORY_MB"):
        memory_limit_bytes(Limits(None, None, "none"))
    monkeypatch.delenv("NNLIB_MEMORY_MB")
    assert memory_limit_bytes(Limits(None, 2**30, "cgroup v2")) == 2**30
