"""Thread counts of the numerical libraries (BLAS/LAPACK via threadpoolctl, torch), chosen in one place.

numpy's BLAS and torch start one thread per core by default.  On a machine whose cores are already
busy (a loaded laptop, a shared server, dask workers each running their own BLAS) those threads fight
for the same cores and small dense kernels (an HVP, a Lanczos step, a 512 x 512 Cholesky) slow down by
an order of magnitude instead of speeding up.  So the tools pick the count themselves:

* ``--threads N`` on every compute-heavy CLI (highest priority);
* else the environment variable ``NSC_THREADS`` (a positive integer, or ``auto``);
* else :func:`default_threads`: the number of usable cores minus the 1-minute load average (the cores
  nobody else is using), at least 1.

:func:`apply_threads` sets the count for the whole process (threadpoolctl for every loaded BLAS/OpenMP
pool, ``torch.set_num_threads`` if torch is loaded, and ``OMP_NUM_THREADS`` & co. for libraries loaded
later and for worker processes); :func:`limit_threads` does the same inside a ``with`` block only.
:func:`thread_info` reports what is in force, with the load average, for benchmarks.

>>> with limit_threads(1):
...     thread_info()["threads"]
1
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["ENV_VAR", "default_threads", "resolve_threads", "apply_threads", "limit_threads",
           "thread_info", "usable_cores", "load_average"]

ENV_VAR = "NSC_THREADS"
_ENV_PASSTHROUGH = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_current: int | None = None
_source: str = "library default"


def usable_cores() -> int:
    """Number of cores this process may run on (affinity mask when the OS exposes it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def load_average() -> float | None:
    """The 1-minute load average, or None where the OS has none."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):  # pragma: no cover
        return None


def default_threads(cores: int | None = None, load: float | None = None) -> int:
    """Return the tool's default thread count: the idle cores, floor(cores - load), clipped to [1, cores].

    Args:
        cores, load: override the detected core count and 1-minute load average (for tests).

    >>> default_threads(cores=2, load=7.5), default_threads(cores=8, load=0.2), default_threads(4, 1.5)
    (1, 7, 2)
    """
    cores = usable_cores() if cores is None else int(cores)
    load = load_average() if load is None else float(load)
    if load is None:
        return 1
    return max(1, min(cores, int(cores - load)))


def resolve_threads(requested: int | None = None) -> tuple[int, str]:
    """Return (threads, source): ``requested`` if given, else ``$NSC_THREADS``, else the default.

    Raises ValueError on a count < 1 or a malformed environment value.

    >>> resolve_threads(3)
    (3, '--threads')
    """
    if requested is not None:
        if int(requested) < 1:
            raise ValueError(f"--threads must be >= 1, got {requested}")
        return int(requested), "--threads"
    env = os.environ.get(ENV_VAR, "").strip()
    if env and env.lower() != "auto":
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"{ENV_VAR} must be a positive integer or 'auto', got {env!r}") from None
        if n < 1:
            raise ValueError(f"{ENV_VAR} must be >= 1, got {n}")
        return n, ENV_VAR
    return default_threads(), "default (idle cores)"


def _set_torch(n: int) -> None:
    torch = sys.modules.get("torch")  # never import torch just to configure it
    if torch is not None:
        torch.set_num_threads(n)


def apply_threads(requested: int | None = None) -> int:
    """Set the thread count of every numerical library for the rest of the process; return it.

    >>> apply_threads(1)
    1
    """
    global _current, _source
    n, source = resolve_threads(requested)
    for var in _ENV_PASSTHROUGH:
        os.environ[var] = str(n)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n)
    _set_torch(n)
    _current, _source = n, source
    return n


@contextlib.contextmanager
def limit_threads(n: int):
    """Context manager: BLAS/OpenMP pools and torch use ``n`` threads inside the block.

    >>> with limit_threads(2):
    ...     pass
    """
    global _current, _source
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    old_torch = torch.get_num_threads() if torch is not None else None
    old = (_current, _source)
    with threadpool_limits(limits=int(n)):
        _set_torch(int(n))
        _current, _source = int(n), "limit_threads"
        try:
            yield int(n)
        finally:
            if old_torch is not None:
                torch.set_num_threads(old_torch)
            _current, _source = old


def thread_info() -> dict:
    """Thread settings in force, with the load average: for benchmark and CLI reports.

    >>> sorted(thread_info())[:3]
    ['blas', 'cores', 'load_average_1min']
    """
    from threadpoolctl import threadpool_info

    blas = sorted({f"{p.get('internal_api')}={p.get('num_threads')}" for p in threadpool_info()})
    torch = sys.modules.get("torch")
    info = {"threads": _current, "source": _source, "blas": blas, "cores": usable_cores(),
            "load_average_1min": load_average(),
            "torch_threads": torch.get_num_threads() if torch is not None else None}
    return info


def describe() -> str:
    """One line: threads, their source, BLAS pools, torch threads, cores and load average."""
    i = thread_info()
    la = "n/a" if i["load_average_1min"] is None else f"{i['load_average_1min']:.2f}"
    torch = "" if i["torch_threads"] is None else f", torch {i['torch_threads']}"
    return (f"threads {i['threads']} ({i['source']}); BLAS {', '.join(i['blas']) or 'none'}{torch}; "
            f"{i['cores']} cores, load average {la}")
