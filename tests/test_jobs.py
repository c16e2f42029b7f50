"""Training in worker processes: same results as in-process, a fair queue, Stop/Resume, faults.

Real processes, real shared memory, real signals; the data is a 2,000-image slice of MNIST's
0s and 1s so each run takes a fraction of a second.
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from devtools.bench import cpu_seconds, proc_mb
from nnlib import PRESETS, Trainer
from nnlib.cost import estimate_peak_bytes
from nnlib.data import PreparedData
from server.jobs import JobPool, PoolFull, RemoteTrainer, TooCostly, TooLarge, trainer_from_state, trainer_state
from tests.helpers import blog_images

pytestmark = pytest.mark.spread  # each test starts its own pool: any process may run it

BLOG = PRESETS["seed"]  # 2,000 steps an epoch here, about 0.45 CPU-seconds


@pytest.fixture(scope="module")
def data(mnist) -> PreparedData:
    return blog_images(mnist, 2000, 500)


@pytest.fixture
def pool():
    pool = JobPool(workers=2, idle_seconds=30)
    yield pool
    pool.close()


def finish(*trainers, limit_s: float = 120) -> None:
    """Poll like the Train page does until every trainer is done (or the limit passes)."""
    deadline = time.monotonic() + limit_s
    while not all(t.done for t in trainers) and time.monotonic() < deadline:
        for trainer in trainers:
            trainer.advance(max_seconds=0.02)
    assert all(t.done for t in trainers), [t.status for t in trainers]


def test_a_run_in_a_worker_equals_the_same_run_in_process(pool, data):
    config = BLOG.replace(epochs=2)
    local = Trainer(config, data)
    local.run()
    remote = RemoteTrainer(pool, "alice", config, data)
    finish(remote)
    assert remote.status == "finished" and remote.step == local.step == remote.total_steps
    for name, value in local.network.params.items():
        np.testing.assert_array_equal(remote.network.params[name], value)
    assert remote.history.batch_losses == local.history.batch_losses
    assert [e.test_accuracy for e in remote.history.evaluations] == [e.test_accuracy for e in local.history.evaluations]
    assert [s.step for s in remote.history.snapshots] == [s.step for s in local.history.snapshots]
    np.testing.assert_array_equal(remote.initial_W1, local.initial_W1)


def test_trainer_state_round_trips_without_the_data(data):
    trainer = Trainer(BLOG, data)
    trainer.advance(max_batches=300)
    blob = trainer_state(trainer)
    assert len(blob) < data.X_train.nbytes / 10  # the images are not in it
    again = trainer_from_state(blob, data)
    trainer.run()
    again.run()
    np.testing.assert_array_equal(again.network.params["W1"], trainer.network.params["W1"])


def test_a_trainers_state_leaves_out_the_data_and_the_history(data):
    trainer = Trainer(BLOG, data)
    trainer.advance(max_batches=10)
    state = trainer.state()
    assert "data" not in state and "history" not in state
    again = Trainer.from_state(state, data)
    assert again.data is data and again.history.batch_steps == [] and again.step == trainer.step == 10


def test_stop_keeps_the_weights_and_resume_carries_on_to_the_same_result(pool, data):
    config = BLOG.replace(epochs=3)
    uninterrupted = Trainer(config, data)
    uninterrupted.run()
    remote = RemoteTrainer(pool, "bob", config, data)
    while remote.step < 1000:
        remote.advance(max_seconds=0.05)
    remote.stop()
    assert remote.status == "stopped" and not remote.done
    stopped_at, weights = remote.step, remote.network.params["W1"].copy()
    assert 0 < stopped_at < remote.total_steps
    assert not np.array_equal(weights, remote.initial_W1)  # the partly trained weights are here
    time.sleep(0.5)
    assert remote.step == stopped_at and remote.status == "stopped"  # nothing trains while stopped
    remote.resume()
    finish(remote)
    assert remote.status == "finished"
    np.testing.assert_array_equal(remote.network.params["W1"], uninterrupted.network.params["W1"])
    assert remote.history.batch_steps == list(range(1, remote.total_steps + 1))  # no batch lost or repeated


def test_a_queue_when_all_workers_are_busy_first_come_first_served(data):
    pool = JobPool(workers=1, idle_seconds=30)
    try:
        config = BLOG.replace(epochs=4)
        first, second, third = (RemoteTrainer(pool, owner, config, data) for owner in ("a", "b", "c"))
        first.advance(max_seconds=0.5)
        assert first.queue_position is None and first.status == "running"
        assert (second.queue_position, third.queue_position) == (0, 1)
        assert 0 < second.estimated_start_s < third.estimated_start_s
        started = []
        while not all(t.done for t in (first, second, third)):
            for name, trainer in zip("abc", (first, second, third)):
                trainer.advance(max_seconds=0.01)
                if trainer.status != "queued" and name not in started:
                    started.append(name)
        assert started == ["a", "b", "c"]
        assert [t.status for t in (first, second, third)] == ["finished"] * 3
    finally:
        pool.close()


def test_one_run_per_session_a_new_one_replaces_the_old(pool, data):
    old = RemoteTrainer(pool, "carol", BLOG.replace(epochs=5), data)
    old.advance(max_seconds=0.3)
    new = RemoteTrainer(pool, "carol", BLOG, data)
    deadline = time.monotonic() + 10
    while old.status in ("queued", "running") and time.monotonic() < deadline:
        old.advance(max_seconds=0.05)
    assert old.status == "stopped" and "replaced" in old.message
    finish(new)
    assert new.status == "finished"


def test_a_run_nobody_watches_is_stopped_and_a_reconnect_in_time_finds_it(data):
    pool = JobPool(workers=1, idle_seconds=1.0)
    try:
        watched = RemoteTrainer(pool, "watched", BLOG.replace(epochs=50), data)
        for _ in range(8):  # polled every 0.25 s for 2 s: kept going
            watched.advance(max_seconds=0.25)
        assert watched.status == "running"
        time.sleep(2.5)  # the tab closed
        watched.refresh()  # what happened meanwhile, without polling
        assert watched.status == "stopped" and "nobody watched" in watched.message
        stopped_at = watched.step
        assert stopped_at > 0
        deadline = time.monotonic() + 60
        while watched.step <= stopped_at and time.monotonic() < deadline:  # the tab comes back
            watched.advance(max_seconds=0.1)
        assert watched.step > stopped_at and watched.status == "running"  # carried on where it stopped
        watched.stop()
    finally:
        pool.close()


def test_one_late_look_carries_on_a_run_stopped_as_unwatched(data):
    """A busy server reruns a page's live panel late: the run was stopped as unwatched and its
    "stopped" news is still on the way. The one look that then comes must carry the run on, or
    the page ends its watch on "nobody was watching" while someone is."""
    pool = JobPool(workers=1, idle_seconds=1.0)
    try:
        late = RemoteTrainer(pool, "late", BLOG.replace(epochs=50), data)
        while late.status != "running":
            late.advance(max_seconds=0.05)
        time.sleep(2.5)  # no look for longer than idle_seconds: the pool stops it
        late.advance(max_seconds=1.0)  # the late look: the worker's "stopped" arrives in it
        assert late.status in ("queued", "running"), (late.status, late.message)
        late.stop()
    finally:
        pool.close()


def test_divergence_keeps_the_last_good_weights_as_in_process(pool, data):
    config = BLOG.replace(learning_rate=10.0)
    local = Trainer(config, data)
    local.run()
    remote = RemoteTrainer(pool, "dave", config, data)
    finish(remote)
    assert remote.status == local.status == "diverged"
    assert remote.divergence == local.divergence
    np.testing.assert_array_equal(remote.network.params["W1"], local.network.params["W1"])


def test_a_killed_worker_fails_its_run_with_its_last_weights_and_others_finish(pool, data):
    config = BLOG.replace(epochs=4)  # 6,000 steps still to train when the worker is killed
    victim, bystander = RemoteTrainer(pool, "victim", config, data), RemoteTrainer(pool, "other", config, data)
    while victim.step < 2000:
        victim.advance(max_seconds=0.05)
        bystander.advance(max_seconds=0.01)
    pid = pool.running_pid(victim._job)
    os.kill(pid, signal.SIGKILL)
    finish(victim, bystander)
    assert victim.status == "failed"
    assert "killed" in victim.message and f"{victim.step:,}" in victim.message
    assert victim.step >= 2000 and not np.array_equal(victim.network.params["W1"], victim.initial_W1)
    assert bystander.status == "finished"
    assert pool.counts()["replaced"] == 1 and pid not in pool.worker_pids()
    again = RemoteTrainer(pool, "victim", BLOG, data)  # the replacement worker trains
    finish(again)
    assert again.status == "finished"


def test_fifty_runs_at_once_on_two_workers_none_lost_memory_bounded(pool, data):
    config = BLOG.replace(epochs=1, evals_per_epoch=1, snapshots=5, train_size=500)  # fifty runs, not their length
    trainers = [RemoteTrainer(pool, f"student-{i}", config, data) for i in range(50)]
    places = [t.queue_position for t in trainers]
    waiting = sorted(place for place in places if place is not None)
    assert waiting == list(range(len(waiting))) and len(waiting) >= 30  # each waiting one told its place
    assert all(t.status in ("running", "finished") for t, place in zip(trainers, places) if place is None)
    assert all(t.estimated_start_s is None or t.estimated_start_s >= 0 for t in trainers)
    rss = []
    deadline = time.monotonic() + 180
    while not all(t.done for t in trainers) and time.monotonic() < deadline:
        for trainer in trainers:
            trainer.advance(max_seconds=0.001)
        rss.append(sum(proc_mb(pid, "status", "VmRSS") or 0 for pid in pool.worker_pids()))
    assert [t.status for t in trainers] == ["finished"] * 50
    assert pool.counts() == dict(workers=2, running=0, queued=0, replaced=0)
    assert max(rss) < 2 * 250  # two workers, each well under 250 MB: no per-job copies pile up


def test_a_full_queue_refuses_with_a_message(data):
    pool = JobPool(workers=1, idle_seconds=30, max_queue=2)
    try:
        for owner in ("a", "b", "c"):  # one runs, two wait
            RemoteTrainer(pool, owner, BLOG.replace(epochs=5), data)
        with pytest.raises(PoolFull, match="already waiting"):
            RemoteTrainer(pool, "d", BLOG, data)
    finally:
        pool.close()


def test_a_run_the_cap_refuses_never_enters_the_queue(pool, data):
    huge = BLOG.replace(hidden=(4096, 4096, 4096), dtype="float64")
    with pytest.raises(TooCostly, match="at most 60 here") as refused:
        RemoteTrainer(pool, "eve", huge, data, cap_s=60)
    assert refused.value.check.fits_hidden is not None
    assert pool.counts()["queued"] == 0 and pool.counts()["running"] == 0


def test_the_estimated_start_follows_the_pace_of_finished_runs(data):
    pool = JobPool(workers=1, idle_seconds=30)
    try:
        config = BLOG.replace(epochs=2)
        finish(RemoteTrainer(pool, "first", config, data))  # teaches the pool this machine's pace
        assert pool.pace != 1.0
        running, waiting = RemoteTrainer(pool, "a", config, data), RemoteTrainer(pool, "b", config, data)
        running.advance(max_seconds=0.2)
        expected = running.estimate_s * pool.pace
        assert 0 < waiting.estimated_start_s <= 1.5 * expected + 0.5
        finish(running, waiting)
    finally:
        pool.close()


def test_the_run_that_used_8_7_gb_is_refused_before_it_starts_with_a_batch_that_fits(pool):
    """preset=class&hidden=4096&batch=1000000000&dtype=float64&epochs=1: the CPU cap lets it through."""
    config = PRESETS["class"].replace(hidden=(4096,), batch_size=1_000_000_000, dtype="float64", epochs=1)
    images = PreparedData(  # np.zeros: the pages are never touched, so this costs no memory
        np.zeros((60_000, 784)),
        np.zeros(60_000, np.int64),
        np.zeros((10, 784)),
        np.zeros(10, np.int64),
        tuple(range(10)),
        (28, 28),
    )
    assert estimate_peak_bytes(config, 60_000) > 8e9
    with pytest.raises(TooLarge, match="MB here") as refused:
        RemoteTrainer(pool, "mallory", config, images)
    check = refused.value.check
    assert (
        check.fits_batch is not None
        and estimate_peak_bytes(config.replace(batch_size=check.fits_batch), 60_000) <= check.budget_bytes
    )
    assert pool.counts()["queued"] == 0 and pool.counts()["running"] == 0


def test_a_run_that_fits_but_not_beside_the_running_one_waits_with_its_place(pool, data, monkeypatch):
    config = BLOG.replace(epochs=3)
    room = int(1.5 * estimate_peak_bytes(config, len(data.y_train)))  # one such run at a time
    monkeypatch.setattr(pool, "memory_budget", lambda: room)
    first, second = RemoteTrainer(pool, "a", config, data), RemoteTrainer(pool, "b", config, data)
    first.advance(max_seconds=0.3)
    assert pool.counts()["workers"] == 2 and pool.counts()["running"] == 1  # a worker is free, the memory is not
    assert first.status == "running" and second.queue_position == 0
    finish(first, second)
    assert [first.status, second.status] == ["finished", "finished"]


def test_a_runs_cpu_time_is_its_own_whether_alone_or_beside_four_others(data):
    """The board's and Compare's time: the worker's CPU time, which a crowded server barely moves."""
    pool = JobPool(workers=5, idle_seconds=120)
    try:
        finish(*(RemoteTrainer(pool, f"warm-{i}", BLOG.replace(epochs=1), data) for i in range(5)))
        config = BLOG.replace(epochs=8)
        alone = RemoteTrainer(pool, "alone", config, data)
        finish(alone)
        others = [RemoteTrainer(pool, f"other-{i}", BLOG.replace(epochs=50), data) for i in range(4)]
        crowded = RemoteTrainer(pool, "crowded", config, data)
        while not crowded.done:
            for trainer in (crowded, *others):
                trainer.advance(max_seconds=0.02)
        assert all(other.status == "running" for other in others)  # they trained all along
        assert crowded.status == alone.status == "finished"
        # Five workers on two cores: the crowd stretches the wall time about 2.5 times, while the CPU time
        # moves only by what sharing caches costs (1.0-1.22x measured here), either way when the test
        # process beside this one (CI runs two) crowds the "alone" run instead (0.79x seen). Within 1.5x
        # either way tells the two apart.
        ratio = crowded.cpu_seconds / alone.cpu_seconds
        assert 1 / 1.5 < ratio < 1.5, (alone.cpu_seconds, crowded.cpu_seconds)
        for other in others:
            other.stop()
    finally:
        pool.close()


def test_a_teachers_run_goes_ahead_of_the_students_queue(data):
    pool = JobPool(workers=1, idle_seconds=30)
    try:
        config = BLOG.replace(epochs=10)
        students = [RemoteTrainer(pool, f"student-{i}", config, data) for i in range(3)]
        teacher = RemoteTrainer(pool, "teacher", config, data, priority=True)
        assert teacher.queue_position == 0 and [s.queue_position for s in students[1:]] == [1, 2]
        for trainer in (teacher, *students):
            trainer.stop()
    finally:
        pool.close()


def test_a_knob_moved_just_as_the_run_ends_is_kept_for_its_next_stint(pool, data):
    """A worker reads controls only between batches: one that reaches it after the last batch used
    to be dropped. The pool applies it to the ended run's state, so +1 epoch or One step use it."""
    remote = RemoteTrainer(pool, "carol", BLOG.replace(epochs=1), data)
    while remote.status != "running":
        remote.advance(max_seconds=0.05)
    worker_pid = pool.running_pid(remote._job)
    with pool._lock:  # the dispatcher waits here with the worker's news: the run stays running for the pool
        wait_until_idle(worker_pid)  # the worker has trained its last batch
        remote.control(learning_rate=0.5)
    finish(remote)
    assert remote.status == "finished" and remote.config.learning_rate == 0.5
    remote.control(add_steps=1)
    while remote.status != "stopped":
        remote.advance(max_seconds=0.05)
    assert trainer_from_state(remote._state, None).config.learning_rate == 0.5  # the extra step trained with it


def wait_until_idle(pid: int, limit_s: float = 60) -> None:
    """Until the process has used no CPU for half a second."""
    deadline, used = time.monotonic() + limit_s, -1.0
    while time.monotonic() < deadline and cpu_seconds(pid) != used:
        used = cpu_seconds(pid)
        time.sleep(0.5)
