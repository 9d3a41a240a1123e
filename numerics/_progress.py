"""Progress on stderr for long work, and long C calls that still honour Ctrl-C.

* :class:`Reporter` -- what a CLI hands to library code as ``progress``: called with a message it
  prints one line ``[prefix] message``; ``reporter.bar(desc, total)`` gives a counter for a loop: a
  tqdm bar when stderr is a terminal, plain lines (at most one every few seconds) when it is not, so
  logs and pipes never see carriage returns.
* :func:`counter` -- what library code calls: a counter from whatever ``progress`` it was given (a
  Reporter, a plain callable receiving messages, or None for silence).
* :func:`call_interruptibly` -- run one long call into C (which Python cannot interrupt: a signal is
  handled only between bytecodes) in a forked child, waiting in short slices so that Ctrl-C stops the
  parent at once (the child is terminated); KeyboardInterrupt propagates to the caller.

>>> import io
>>> out = io.StringIO()
>>> r = Reporter("[demo]", stream=out)
>>> r("start")
>>> with r.bar("loop", 3, interval=0) as c:
...     for _ in range(3):
...         c.update()
>>> print(out.getvalue().strip())
[demo] start
[demo] loop: 1/3 (33%)
[demo] loop: 2/3 (67%)
[demo] loop: 3/3 (100%)
[demo] loop: 3/3 (100%) done
"""

from __future__ import annotations

import sys
import time

__all__ = ["Reporter", "counter", "call_interruptibly", "PLAIN_INTERVAL"]

PLAIN_INTERVAL = 5.0  # seconds between plain progress lines (stderr not a terminal)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Null:
    """A counter that does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Plain(_Null):
    """Plain progress lines 'desc: i/total (p%)', at most one per ``interval`` seconds."""

    def __init__(self, desc: str, total: int | None, emit, interval: float):
        self.desc, self.total, self.emit, self.interval = desc, total, emit, interval
        self.n, self.t0 = 0, time.monotonic()
        self.last = self.t0
        self.printed = False

    def _text(self) -> str:
        if self.total:
            return f"{self.desc}: {self.n}/{self.total} ({100 * self.n / self.total:.0f}%)"
        return f"{self.desc}: {self.n}"

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.printed = True
            self.emit(self._text())

    def close(self) -> None:
        if self.printed:
            self.emit(self._text() + " done")
            self.printed = False


class Reporter:
    """Progress sink of a CLI: ``reporter(msg)`` prints a line, ``reporter.bar(desc, total)`` counts.

    Args:
        prefix: text put before every line, e.g. "[certify]".
        enabled: False silences everything (``--quiet``).
        stream: where to write (default: sys.stderr at the time of writing).
        interval: seconds between plain lines when the stream is not a terminal.
    """

    def __init__(self, prefix: str = "", enabled: bool = True, stream=None, interval: float = PLAIN_INTERVAL):
        self.prefix, self.enabled, self._stream, self.interval = prefix, enabled, stream, interval

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stderr

    def __call__(self, msg: str) -> None:
        if not self.enabled:
            return
        line = f"{self.prefix} {msg}" if self.prefix else msg
        if _isatty(self.stream):
            from tqdm import tqdm

            tqdm.write(line, file=self.stream)  # keeps an open bar intact
        else:
            print(line, file=self.stream, flush=True)

    def bar(self, desc: str, total: int | None = None, interval: float | None = None):
        """Return a counter (``update(n)``, ``close()``, context manager) for a loop of ``total`` steps."""
        if not self.enabled:
            return _Null()
        if _isatty(self.stream):
            from tqdm import tqdm

            label = f"{self.prefix} {desc}" if self.prefix else desc
            return tqdm(total=total, desc=label, file=self.stream, leave=False, dynamic_ncols=True,
                        mininterval=0.5)
        return _Plain(desc, total, self, self.interval if interval is None else interval)


def counter(progress, desc: str, total: int | None = None):
    """Return a counter for a loop from a library function's ``progress`` argument.

    A :class:`Reporter` gives its bar; another callable receives plain messages (at most one every
    PLAIN_INTERVAL seconds); None gives a silent counter.

    >>> msgs = []
    >>> with counter(msgs.append, "work", 2) as c:
    ...     c.update(2)
    >>> msgs                      # quick work prints nothing
    []
    """
    if progress is None:
        return _Null()
    if isinstance(progress, Reporter):
        return progress.bar(desc, total)
    return _Plain(desc, total, progress, PLAIN_INTERVAL)


def _child(conn, fn, args):
    try:
        conn.send((True, fn(*args)))
    except BaseException as exc:  # the parent re-raises it
        conn.send((False, repr(exc)))
    finally:
        conn.close()


def call_interruptibly(fn, *args, poll: float = 0.2):
    """Return fn(*args), computed in a forked child so that Ctrl-C interrupts the wait promptly.

    The result must be picklable (plain ints, lists).  On KeyboardInterrupt (or any exception in the
    parent) the child is terminated and the exception propagates.  Where fork is unavailable, off the
    main thread, or inside a daemonic worker process, the call runs in-process.

    >>> call_interruptibly(sum, [1, 2, 3])
    6
    """
    import multiprocessing as mp
    import threading

    # Only the main thread receives Ctrl-C, and a daemonic worker (a multiprocessing pool's) may not
    # start children: there the call runs in-process.
    if threading.current_thread() is not threading.main_thread() or mp.current_process().daemon:
        return fn(*args)
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return fn(*args)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        while not parent.poll(poll):
            if not proc.is_alive() and not parent.poll(0):
                raise RuntimeError(f"worker process died (exit code {proc.exitcode})")
        ok, value = parent.recv()
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        parent.close()
    if not ok:
        raise RuntimeError(f"worker failed: {value}")
    return value
