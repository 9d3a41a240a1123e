"""Shared argument handling for the bounds CLIs: the --d range and one-line errors with exit code 2."""

from __future__ import annotations

import argparse
import sys


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


def fail(prog: str, message: str) -> int:
    """Print a one-line error on stderr and return exit code 2."""
    print(f"{prog}: error: {message}".replace("\n", " "), file=sys.stderr)
    return 2
