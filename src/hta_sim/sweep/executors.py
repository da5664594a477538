"""Where chunks run: in this process, in local worker processes (the default), or on Dask.

Every executor maps the same pure function over jobs and hands results back as they finish, with at
most ``in_flight`` jobs submitted at once, so the driver's memory stays flat however long the sweep.
Results come back to the driver, which alone writes files: a cluster needs no shared file system.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from ..errors import InputError

CONNECT_TIMEOUT = "10s"  # how long to try reaching a Dask scheduler
#: A local cluster's HTTP servers serve only the health check: no dashboard, no cluster pages.
HEALTH_ONLY = {"distributed.scheduler.http.routes": ["distributed.http.health"],
               "distributed.worker.http.routes": ["distributed.http.health"]}
J = TypeVar("J")
R = TypeVar("R")


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Executor(Protocol):
    workers: int

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]: ...

    def describe(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class Serial:
    """Everything in this process, one job after another (one worker; tests; small sweeps)."""

    workers = 1

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        for job in jobs:
            yield fn(job)

    def describe(self) -> dict[str, Any]:
        return {"kind": "serial", "workers": 1}

    def close(self) -> None:
        pass


class LocalProcesses:
    """A pool of worker processes on this machine (forkserver: workers start from a clean, preloaded
    server, not from a copy of the driver with its threads).
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["hta_sim.sweep._worker"])
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                         initializer=_die_with, initargs=(os.getpid(),))

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        yield from _bounded(lambda job: self._pool.submit(fn, job), jobs, 2 * self.workers,
                            lambda pending: wait(pending, return_when=FIRST_COMPLETED)[0])

    def describe(self) -> dict[str, Any]:
        return {"kind": "local-processes", "workers": self.workers}

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """A Dask distributed cluster: an existing scheduler's address, or a local cluster of n workers
    (one process, one thread each) bound to 127.0.0.1.

    A local cluster has no web dashboard (``dashboard_address=None``). Dask's scheduler still runs
    an HTTP server (on 127.0.0.1, port 8787 or the next free one); its routes are cut to the health
    check (``distributed.scheduler.http.routes``), so it shows nothing about the sweep. A remote
    ``scheduler`` must be trusted: jobs and results travel to and from it pickled (docs/sweeps.md).
    """

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a main dependency
            raise InputError("field '--scheduler': Dask distributed is not installed") from None
        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"field '--scheduler' = {scheduler!r}: cannot connect "
                                 f"({exc.__class__.__name__}); give tcp://HOST:PORT of a running "
                                 "dask scheduler") from None
        else:
            import dask

            with dask.config.set(HEALTH_ONLY):  # read by the scheduler and (via the nannies) workers
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=local_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        self.address = str(getattr(self._client.scheduler, "address", scheduler))
        self.workers = max(1, len(self._client.scheduler_info(n_workers=-1)["workers"]))

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        from distributed import wait as dask_wait

        def wait_some(pending: set[Any]) -> set[Any]:
            done: set[Any] = dask_wait(list(pending),  # type: ignore[no-untyped-call]
                                       return_when="FIRST_COMPLETED").done
            return done

        yield from _bounded(lambda job: self._client.submit(fn, job, pure=False), jobs,
                            2 * self.workers, wait_some)

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"kind": "dask", "scheduler": self.address, "workers": self.workers,
                "local_cluster": self._cluster is not None}
        if self._cluster is not None:
            port = self._client.scheduler_info().get("services", {}).get("dashboard")
            info["http"] = f"127.0.0.1:{port} (health check only; web dashboard off)"
        return info

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]
        if self._cluster is not None:
            self._cluster.close()


def _die_with(driver: int) -> None:
    """Worker initializer: exit when the driver process does, even if it was killed (SIGKILL), so a
    killed sweep leaves no orphan workers computing chunks nobody will write.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(driver)
            select.select([fd], [], [])  # readable once the driver has exited
        except (AttributeError, OSError):  # pragma: no cover - no pidfd: poll
            while True:
                time.sleep(1.0)
                try:
                    os.kill(driver, 0)
                except ProcessLookupError:
                    break
        os._exit(1)

    threading.Thread(target=watch, name="hta-sim-driver-watch", daemon=True).start()


def _bounded(submit: Callable[[Any], Any], jobs: Iterable[Any], in_flight: int,
             wait_some: Callable[[set[Any]], Iterable[Any]]) -> Iterator[Any]:
    """Keep at most ``in_flight`` jobs submitted (futures of either kind); yield results as they
    finish.
    """
    it, pending = iter(jobs), set[Any]()
    for job in it:
        pending.add(submit(job))
        if len(pending) >= in_flight:
            break
    while pending:
        for fut in wait_some(pending):
            pending.discard(fut)
            yield fut.result()
            nxt = next(it, None)
            if nxt is not None:
                pending.add(submit(nxt))


def make(workers: int | None = None, scheduler: str | None = None,
         dask_local: int | None = None) -> Executor:
    """The executor the command line asks for: Dask if a scheduler or local cluster is named, else
    local processes (all cores by default; one worker runs in this process).
    """
    if scheduler and dask_local:
        raise InputError("field '--scheduler': give either --scheduler or --dask-local, not both")
    if scheduler or dask_local:
        return Dask(scheduler, dask_local)
    n = cores() if workers is None else workers
    return Serial() if n <= 1 else LocalProcesses(n)
