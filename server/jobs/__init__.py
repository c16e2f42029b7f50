"""Training jobs in worker processes: a pool sized to the cores, a fair queue, faults handled.

The blog's per-sample loop is Python: in the server's interpreter, every session's training
shares one interpreter lock and a 16-core server is no faster than one core. Here each run
goes to a worker process (``NNLIB_WORKERS``, default one per core); the server only routes
messages. A job is a Trainer without its data (Trainer.state): the server builds it (weights
initialised, first loss measured), a worker trains it chunk by chunk and sends events and
weights, and on Stop sends it back; Resume queues that same state again. A run nobody polls
for ``NNLIB_JOB_IDLE_SECONDS`` (a closed tab) is stopped, keeping its weights.

One module per job:

- ``messages``: what server, workers and pages tell each other (dataclasses) and the status words.
- ``state``: a trainer to and from bytes; a teacher's controls applied to it.
- ``worker``: the worker process's loop.
- ``workers``: the pool's processes, started, watched and replaced.
- ``job`` and ``waiting``: a run as the pool sees it; the queue and its time estimates.
- ``memory`` and ``refusals``: the memory the runs may use; why a run is refused.
- ``pool``: ``JobPool``, the scheduler and its dispatcher thread.
- ``remote``: ``RemoteTrainer``, what a page holds.

The prepared data is shared through files every worker maps (server.shared_files).
"""

from nnlib.events import FinishedEvent
from server.jobs.pool import JobPool
from server.jobs.refusals import PoolFull, TooCostly, TooLarge
from server.jobs.remote import RemoteTrainer
from server.jobs.state import apply_controls, trainer_from_state, trainer_state
from server.jobs.workers import default_workers
from server.limits import usable_cores

__all__ = [
    "FinishedEvent",
    "JobPool",
    "PoolFull",
    "RemoteTrainer",
    "TooCostly",
    "TooLarge",
    "apply_controls",
    "default_workers",
    "trainer_from_state",
    "trainer_state",
    "usable_cores",
]
