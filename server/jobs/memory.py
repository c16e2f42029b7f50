"""What memory the runs may use: the limit less the server, the workers and the shared files (Linux /proc)."""

from __future__ import annotations

import os

WORKER_BASE_BYTES = 80 * 2**20  # a worker's own memory before a run: Python, NumPy, nnlib


def anonymous_bytes() -> int:
    """This process's own resident memory now (RssAnon: not the mapped files, counted apart);
    Linux /proc, 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def physical_memory() -> int:
    """The machine's memory, the limit when no cgroup or setting gives one."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 40


def runs_budget(limit: int | None, workers: int, shared_bytes: int) -> int:
    """Bytes the runs' own arrays may hold together now: the limit (else the machine's memory)
    minus this server as it is now, the workers' own memory and the shared files."""
    return (limit or physical_memory()) - anonymous_bytes() - workers * WORKER_BASE_BYTES - shared_bytes
