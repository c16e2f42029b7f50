"""How the server process runs: BLAS threads, the CPU priority of live panels, a timing log.

Process-wide settings are made once, when this module is imported.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

# Hand the GIL round faster (default 5 ms): a page that answers a click or a stroke, and the
# event loop that answers the health check, wait less behind other sessions' script threads.
sys.setswitchinterval(0.001)

BACKGROUND_NICENESS = 10  # a live panel's look yields the CPU to pages that answer a click or a stroke

_heap_frozen = False


def freeze_startup_heap() -> None:
    """Once per process: move the objects alive after the first page (modules, caches) out of
    the cyclic garbage collector's sight, so each later full collection scans only what
    sessions made since (about 190 000 objects fewer, 0.1 s of held GIL less per collection)."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


def limit_blas_threads() -> None:
    """One BLAS thread even if NumPy was loaded before the ui package."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def set_thread_niceness(niceness: int) -> None:
    """This thread's CPU niceness (Linux: per thread); silently skipped where not allowed."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or raising priority needs privileges
        pass


def run_in_background() -> None:
    """Lower this script thread's CPU priority for work nobody waits for (a live panel's look at its
    run; training itself runs in the worker processes).

    With 30 students on 2 cores, a Draw prediction then waits less behind the live panels.
    ui.navigation.run_app restores normal priority for the reruns queued behind it.
    """
    set_thread_niceness(BACKGROUND_NICENESS)


def log_timing(name: str, seconds: float) -> None:
    """Append 'name seconds' to $NNLIB_TIMING_LOG, when set: the benchmarks' view
    of the server's own share of a response."""
    path = os.environ.get("NNLIB_TIMING_LOG")
    if path:
        with open(path, "a") as log:
            log.write(f"{name} {seconds:.6f}\n")


def timers_rerun_fragments() -> bool:
    """Whether st.fragment(run_every=…) reruns on its own here: not under Streamlit's AppTest
    (its script runs once per .run(), no timer fires), where a page waits for its work instead."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context is not None and context.session_id != "test session id"
