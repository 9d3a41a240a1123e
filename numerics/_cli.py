"""Shared plumbing of the numerics command-line tools: the common options and the --threads setting.

Every numerics CLI that reads a network and data files ends its parser with :func:`finish_parser`
(reading options of numerics.io, --threads of numerics.threads, then --version/--debug and the exit-code
epilog of bounds._cli) and applies --threads with :func:`apply_threads_option`.
"""

from __future__ import annotations

import sys

from bounds._cli import add_common

__all__ = ["finish_parser", "apply_threads_option", "parse_and_apply_threads", "report_error"]


def finish_parser(ap, codes: dict, reading: bool = True) -> None:
    """Add the reading options (when ``reading``), --threads, --version/--debug and the exit codes to ``ap``.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="demo")
    >>> finish_parser(ap, {0: "done"})
    >>> ap.parse_args(["--threads", "1"]).threads
    1
    """
    from numerics.threads import add_threads_argument

    if reading:
        from numerics.io import add_reading_options

        add_reading_options(ap)
    add_threads_argument(ap)
    add_common(ap, codes)


def apply_threads_option(value, prefix: str = "error") -> int | None:
    """Apply a --threads value; return None, or print one line ``prefix: reason`` on stderr and return 2.

    >>> apply_threads_option(None) is None
    True
    """
    from numerics.threads import apply_threads

    try:
        apply_threads(value)
    except ValueError as exc:
        print(f"{prefix}: {exc}", file=sys.stderr)
        return 2
    return None


def parse_and_apply_threads(ap, argv):
    """Return (args, None) after parsing ``argv`` and applying --threads, or (args, 2) after a one-line error.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="demo")
    >>> finish_parser(ap, {0: "done"}, reading=False)
    >>> parse_and_apply_threads(ap, ["--threads", "1"])[1] is None
    True
    """
    args = ap.parse_args(argv)
    return args, apply_threads_option(args.threads)


def report_error(exc: BaseException) -> int:
    """Print ``exc`` as one line ``error: <first line>`` on stderr (its type name when empty) and return 2.

    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     rc = report_error(ValueError("bad input"))
    >>> rc, err.getvalue().strip()
    (2, 'error: bad input')
    """
    print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
    return 2
