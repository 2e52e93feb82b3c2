"""Where the metrics' per-partition steps run: in this process, or on a Dask cluster.

The metrics work by partition (a competition's season: ``compute.Partition``). Each step over a
partition (events to SPADL actions; rating its actions and storing its per-match stats) is a plain
function of the store's location and the partition; an executor maps it over the partitions:

- :class:`SerialExecutor` (the default): one after the other, in this process, on the open store;
- :class:`DaskExecutor`: on the workers of a ``dask.distributed`` cluster, a ``LocalCluster`` of
  ``workers`` processes (one thread each) or a running scheduler (``tcp://host:8786``, the setting
  ``dask_scheduler``). Each task gets the store's URL and opens the store itself (one engine per
  worker process), reads its partition's rows and writes its results: no frames travel from the
  client, only the partitions' ids out and the counts back. The workers of a real cluster need
  loanwatch installed and the store reachable (PostgreSQL, or a SQLite file on a shared disk).

Training is one global step on a bounded sample (``models.TRAIN_MATCHES``), run by the client.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from loanwatch.store.repository import Store

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    name: str
    workers: int
    where: str  # in words, for the user: "this process", "2 Dask workers at tcp://..."

    def source(self, store: Store) -> Store | str:
        """What a step is given to reach the store: the open store, or its URL for other processes."""
        ...

    def map(self, fn: Callable[..., R], items: Sequence[Any], *args: Any) -> list[R]:
        """``[fn(item, *args) for item in items]``, in the order of ``items``."""
        ...

    def close(self) -> None: ...


class SerialExecutor:
    """Every step in this process, one partition after the other."""

    name = "serial"
    workers = 1
    where = "this process"

    def source(self, store: Store) -> Store | str:
        return store

    def map(self, fn: Callable[..., R], items: Sequence[Any], *args: Any) -> list[R]:
        return [fn(item, *args) for item in items]

    def close(self) -> None:
        return None


def store_url(store: Store) -> str:
    """The URL another process opens the store with (password included: it is the same user's)."""
    return store.engine.url.render_as_string(hide_password=False)


class DaskExecutor:
    """The steps on a ``dask.distributed`` cluster: a local one of ``workers`` processes, or the
    scheduler at ``scheduler`` (``tcp://host:8786``)."""

    name = "dask"

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self._cluster: Any = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit=0,  # the partitions bound the memory; no spilling or restarts
            )
            self.client = Client(self._cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))
        plural = "s" if self.workers > 1 else ""
        self.where = f"{self.workers} Dask worker{plural} at {info.get('address', '?')}"

    def source(self, store: Store) -> Store | str:
        return store_url(store)

    def map(self, fn: Callable[..., R], items: Sequence[Any], *args: Any) -> list[R]:
        if not items:
            return []
        futures = self.client.map(fn, list(items), *[[a] * len(items) for a in args], pure=False)
        return list(self.client.gather(futures))

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_executor(*, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The serial executor, or a Dask one when ``scheduler`` or ``workers`` (> 1) is given."""
    if scheduler or (workers is not None and workers > 1):
        return DaskExecutor(workers=workers, scheduler=scheduler)
    return SerialExecutor()
