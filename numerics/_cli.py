"""Shared plumbing of the numerics command-line tools: the common options and the --threads setting.

Every numerics CLI that reads a network and data files ends its parser with :func:`finish_parser`
(the reading options of numerics.io files, --threads for numerics.threads, then --version/--debug and the
exit-code epilog of bounds._cli) and applies --threads with :func:`apply_threads_option`.  A CLI with
--certificate-out writes the file with :func:`write_certificate_file` and says so with
:func:`certificate_written`.
"""

from __future__ import annotations

import sys

from bounds._cli import add_common, int_at_least
from numerics.io import DECIMALS
from numerics.threads import ENV_VAR

__all__ = ["finish_parser", "add_reading_options", "reading_options", "add_threads_argument", "apply_threads_option", "parse_and_apply_threads", "report_error",
           "write_certificate_file", "certificate_written"]


def add_reading_options(ap) -> None:
    """Add --decimals {float,exact} and --lenient (the JSON reading rules of numerics.io) to a CLI parser.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(); add_reading_options(ap)
    >>> reading_options(ap.parse_args(["--decimals", "exact"]))
    {'decimals': 'exact', 'lenient': False}
    """
    ap.add_argument("--decimals", choices=DECIMALS, default="float",
                    help="JSON decimal literals such as 0.1 denote their float64 value (float, default) or the "
                         "exact decimal fraction 1/10 (exact); integers and \"p/q\" strings are always exact")
    ap.add_argument("--lenient", action="store_true", help="ignore unknown keys in JSON inputs (default: refuse)")


def reading_options(args) -> dict:
    """The keyword arguments of numerics.io.load_network / load_data chosen by add_reading_options' flags."""
    return {"decimals": args.decimals, "lenient": args.lenient}


def add_threads_argument(parser) -> None:
    """Add the common ``--threads N`` option to an argparse parser (applied by numerics.threads)."""
    message = "expected a positive integer, got {text!r}"
    parser.add_argument("--threads", type=int_at_least(1, message, message), default=None, metavar="N",
                        help=f"BLAS/torch threads (default: ${ENV_VAR}, else the idle cores, at least 1)")

def finish_parser(ap, codes: dict, reading: bool = True) -> None:
    """Add the reading options (when ``reading``), --threads, --version/--debug and the exit codes to ``ap``.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="demo")
    >>> finish_parser(ap, {0: "done"})
    >>> ap.parse_args(["--threads", "1"]).threads
    1
    """
    if reading:
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


def write_certificate_file(build, path, prefix: str = "error") -> int | None:
    """Write the certificate document ``build()`` returns to ``path``; return the bytes written.

    A document that cannot be made (numerics.certificate_file.CertificateError) or written (OSError) is
    reported as one line ``prefix: certificate file not written: <reason>`` on stderr, and None is
    returned (the caller exits with 2).

    Args:
        build: a function of no arguments returning the document (called here, so its errors are caught).
        path: the file to write.
        prefix: the start of the error line (the CLI's name, or ``error``).

    >>> import contextlib, io, os, tempfile
    >>> write_certificate_file(lambda: {"format": "x"}, os.path.join(tempfile.mkdtemp(), "c.json"))  # {"format":"x"}
    15
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     size = write_certificate_file(lambda: {}, os.path.join(tempfile.mkdtemp(), "no", "c.json"))
    >>> size is None, err.getvalue().startswith("error: certificate file not written: ")
    (True, True)
    """
    from numerics.certificate_file import CertificateError, write_certificate

    try:
        return write_certificate(build(), path)
    except (CertificateError, OSError) as exc:
        print(f"{prefix}: certificate file not written: {exc}", file=sys.stderr)
        return None


def certificate_written(path, size: int) -> str:
    """Return the line saying that the certificate file ``path`` (``size`` bytes) was written and how to re-check it.

    >>> certificate_written("c.json", 16)
    'certificate file written: c.json (16 bytes); re-check with: python -m numerics.check_certificate c.json'
    """
    return (f"certificate file written: {path} ({size} bytes); re-check with: "
            f"python -m numerics.check_certificate {path}")
