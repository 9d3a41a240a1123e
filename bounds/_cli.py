"""Shared command-line machinery: one-line errors (exit 2), the --d range, and the runner every CLI of
bounds, constructions and numerics goes through (exit codes, --version, --debug).

Exit codes shared by every CLI (each CLI's --help lists the ones it uses)::

    0    success (for a checker: the verdict is positive, e.g. certified stable / every check passed)
    1    the verdict is negative (e.g. certified NOT stable / a check failed)
    2    bad input (one line on stderr), or the question has no answer (e.g. no Hessian at a kink)
    3    undecided (the certificate methods could not decide; only CLIs that certify)
    4    internal error: an unexpected exception (one line naming it; the traceback with --debug)
    130  interrupted (Ctrl-C)
    141  stdout was closed before the output was written (broken pipe, 128 + SIGPIPE); nothing more is
         printed

A crash therefore never reads as a verdict: 0, 1 and 3 are returned only by a CLI that finished.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import traceback

from bounds._version import __version__

EXIT_OK, EXIT_NEGATIVE, EXIT_INPUT, EXIT_UNDECIDED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141

_MEANING = {
    EXIT_INPUT: "bad input (one line on stderr)",
    EXIT_INTERNAL: "internal error (one line; --debug prints the traceback)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_BROKEN_PIPE: "stdout closed early (broken pipe)",
}


class InputError(ValueError):
    """Bad user input: a malformed file, option or value (message is one line; CLIs exit with code 2).

    The one input-error type of the toolkit: ``numerics.InputError`` (file reading) and
    ``constructions.checks.InputError`` (the verify CLI's inputs) are this class.
    """


class _Parser(argparse.ArgumentParser):
    """argparse with a single-line error message (usage suppressed) and exit code 2."""

    def error(self, message):  # noqa: D102 - argparse hook
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """Return an ArgumentParser whose errors are one line on stderr with exit code 2."""
    return _Parser(prog=prog, description=description)


def d_range(text: str) -> list:
    """Parse '--d 5' or '--d 1:100' (inclusive) into a list of integers >= 1; ValueError otherwise.

    >>> d_range("3:5"), d_range("7")
    ([3, 4, 5], [7])
    """
    parts = text.split(":")
    if len(parts) > 2 or not all(p.strip().lstrip("+").isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"--d must be an integer D or a range A:B of integers, got {text!r}")
    lo, hi = int(parts[0]), int(parts[-1])
    if lo < 1:
        raise argparse.ArgumentTypeError(f"--d needs dimensions >= 1, got {text!r}")
    if hi < lo:
        raise argparse.ArgumentTypeError(f"--d range A:B needs A <= B, got {text!r}")
    if hi - lo > 100_000:
        raise argparse.ArgumentTypeError(f"--d range too long (at most 100001 dimensions), got {text!r}")
    return list(range(lo, hi + 1))


def int_at_least(lo: int, not_integer: str = "not an integer: {text!r}",
                 too_small: str = "must be >= {lo}, got {value}"):
    """Return an argparse ``type`` reading an integer >= ``lo``, refusing anything else in one line.

    The messages are templates filled with ``text`` (the option's text), ``value`` (its integer, for
    ``too_small``) and ``lo``, so each CLI keeps its own wording.

    Args:
        lo: the least accepted value.
        not_integer, too_small: the ArgumentTypeError messages for a non-integer and for a value < lo.

    >>> int_at_least(1)("3")
    3
    >>> int_at_least(0)("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be >= 0, got -1
    """

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(not_integer.format(text=text, lo=lo)) from None
        if value < lo:
            raise argparse.ArgumentTypeError(too_small.format(text=text, value=value, lo=lo))
        return value

    return parse


def fail(prog: str, message: str) -> int:
    """Print a one-line error on stderr and return exit code 2."""
    print(f"{prog}: error: {message}".replace("\n", " "), file=sys.stderr)
    return 2


def exit_code_epilog(codes: dict) -> str:
    """Return the "exit codes" paragraph of a --help text: ``codes`` (this CLI's own) plus the shared ones.

    >>> print(exit_code_epilog({0: "all checks passed", 1: "a check failed"}).splitlines()[2])
      1    a check failed
    """
    merged = dict(codes)
    for code, meaning in _MEANING.items():
        merged.setdefault(code, meaning)
    return "exit codes:\n" + "\n".join(f"  {c:<4} {m}" for c, m in sorted(merged.items()))


def add_common(ap: argparse.ArgumentParser, codes: dict) -> argparse.ArgumentParser:
    """Add --version and --debug to ``ap`` and list the exit codes (``codes`` plus the shared ones) in its epilog.

    >>> ap = add_common(parser("prog", "demo"), {0: "ok"})
    >>> "130  interrupted" in ap.format_help(), ap.parse_args(["--debug"]).debug
    (True, True)
    """
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--debug", action="store_true",
                    help="on an internal error (exit 4) print the full traceback")
    epilog = exit_code_epilog(codes)
    ap.epilog = f"{ap.epilog}\n\n{epilog}" if ap.epilog else epilog
    if ap.formatter_class is argparse.HelpFormatter:
        ap.formatter_class = argparse.RawDescriptionHelpFormatter
    return ap


def _silence_stdout() -> None:
    """Point the stdout file descriptor at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (e.g. captured in a test)
        pass


def guarded(prog: str):
    """Decorate a CLI ``main(argv=None, ...) -> int`` so that no exception reads as a verdict.

    The wrapped main returns main's own code when it finishes (stdout flushed first), and otherwise
    EXIT_INTERNAL (4) for an unexpected exception with one line ``<prog>: internal error: Name: message``
    on stderr (the traceback too when argv holds --debug), EXIT_INTERRUPTED (130) on KeyboardInterrupt
    with one line ``<prog>: interrupted``, and EXIT_BROKEN_PIPE (141) quietly when stdout is closed.
    SystemExit (argparse's --help, --version and usage errors) passes through unchanged.

    >>> @guarded("demo")
    ... def main(argv=None):
    ...     raise ZeroDivisionError("boom")
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     rc = main([])
    >>> rc, err.getvalue().strip()
    (4, 'demo: internal error: ZeroDivisionError: boom')
    """
    def decorate(main):
        @functools.wraps(main)
        def wrapper(argv=None, *args, **kwargs):
            words = sys.argv[1:] if argv is None else list(argv)
            try:
                code = main(argv, *args, **kwargs)
                sys.stdout.flush()
                return code
            except BrokenPipeError:
                _silence_stdout()
                return EXIT_BROKEN_PIPE
            except KeyboardInterrupt:
                print(f"{prog}: interrupted", file=sys.stderr)
                return EXIT_INTERRUPTED
            except Exception as exc:  # anything unexpected: its own code, never a verdict
                if "--debug" in words:
                    traceback.print_exc()
                message = " ".join(str(exc).split())
                if len(message) > 300:
                    message = message[:300] + " ..."
                print(f"{prog}: internal error: {type(exc).__name__}" + (f": {message}" if message else ""),
                      file=sys.stderr)
                return EXIT_INTERNAL
        return wrapper
    return decorate
