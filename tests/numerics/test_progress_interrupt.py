"""Progress lines, the exact PSD test behind the schur certificate, and prompt Ctrl-C on long work."""

import io
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

import flint

from numerics._exact_schur import exact_psd
from numerics._progress import Reporter, call_interruptibly, counter

ROOT = Path(__file__).resolve().parents[2]


def _charpoly_psd(A):
    """Independent reference: PSD iff the charpoly of A has weakly alternating coefficients (sympy)."""
    import sympy as sp
    M = sp.Matrix(A)
    coeffs = M.charpoly().all_coeffs()   # det(xI - A), leading first
    n = len(A)
    return all((c >= 0) if (n - j) % 2 == 0 else (c <= 0) for j, c in enumerate(reversed(coeffs)))


small = st.integers(-3, 3)


@given(st.integers(1, 4).flatmap(lambda n: st.lists(st.lists(small, min_size=n, max_size=n),
                                                     min_size=n, max_size=n)),
       st.booleans())
@example([[0, 0], [0, 0]], False)
@example([[1, 1], [1, 1]], True)
def test_exact_psd_matches_charpoly_signs(B, gram):
    n = len(B)
    if gram:   # B^T B is PSD, often singular
        A = [[sum(Fraction(B[k][i] * B[k][j]) for k in range(n)) for j in range(n)] for i in range(n)]
    else:      # a symmetric matrix of any inertia
        A = [[Fraction(B[min(i, j)][max(i, j)]) for j in range(n)] for i in range(n)]
    expected = _charpoly_psd(A)
    assert exact_psd([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in A]) == expected
    if gram:
        assert expected


def test_plain_progress_lines_without_carriage_returns():
    out = io.StringIO()          # not a terminal
    rep = Reporter("[x]", stream=out, interval=0)
    rep("phase one")
    with rep.bar("loop", 4) as c:
        for _ in range(4):
            c.update()
    text = out.getvalue()
    assert "\r" not in text and text.splitlines()[0] == "[x] phase one"
    assert text.splitlines()[-1] == "[x] loop: 4/4 (100%) done"
    quiet = io.StringIO()
    with Reporter("[x]", enabled=False, stream=quiet).bar("loop", 2) as c:
        c.update(2)
    assert quiet.getvalue() == ""
    msgs = []
    with counter(msgs.append, "fast", 3) as c:   # below the interval: nothing printed
        c.update(3)
    assert msgs == []


def test_call_interruptibly_returns_and_reports_failure():
    assert call_interruptibly(pow, 3, 4) == 81
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        call_interruptibly(divmod, 1, 0)


_SCHUR = """
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {examples!r})
from make_examples import random_case
from numerics.certificates import certify_stability
from numerics._progress import Reporter
net, data = random_case({n}, 3, {K}, 0)
print("started", flush=True)
certify_stability(net, data, 1 / 4, method={method!r}, progress=Reporter("[t]", interval=1))
print("finished", flush=True)
"""


def _interrupt_after(code: str, wait: float):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env, cwd=ROOT)
    assert p.stdout.readline().strip() == "started"
    # Interrupt only once the computation itself reports progress (imports done: on a loaded machine
    # they alone can take seconds), then give it ``wait`` more seconds of work.
    first = p.stderr.readline()
    assert first.startswith("[t] "), f"no progress line before the work ended: {first!r}"
    time.sleep(wait)
    assert p.poll() is None, "the work finished before the interrupt: make the case larger"
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    return time.monotonic() - t0, p.returncode, out, first + err


@pytest.mark.slow  # wall-clock: on a quiet machine the case can end before the interrupt lands
def test_ctrl_c_stops_the_exact_schur_certificate_promptly():
    # Ctrl-C is honoured between python-flint calls; one call of this size lasts well under 2 s.
    code = _SCHUR.format(root=str(ROOT), examples=str(ROOT / "examples"), n=60, K=64, method="schur")
    dt, rc, out, err = _interrupt_after(code, 0.3)
    assert dt < 2.0 and "finished" not in out
    assert "KeyboardInterrupt" in err and rc != 0
    assert "[t] schur:" in err          # progress lines were printed while it ran (plain: no \r)
    assert "\r" not in err


@pytest.mark.slow
def test_ctrl_c_stops_the_dense_charpoly_promptly():
    code = _SCHUR.format(root=str(ROOT), examples=str(ROOT / "examples"), n=30, K=60, method="dense")
    dt, rc, out, err = _interrupt_after(code, 1.0)
    assert dt < 2.0 and "finished" not in out and rc != 0


def test_cap_packing_reports_progress_in_plain_lines():
    from constructions.caps import verify_packing
    from constructions.packing import cap_packing

    out = io.StringIO()
    pts, _ = cap_packing(3, "1/2", progress=Reporter("[v]", stream=out, interval=0))
    lines = out.getvalue().splitlines()
    assert any(line.startswith("[v] contact greedy") for line in lines)
    assert any("rational points on the sphere" in line for line in lines)
    assert "\r" not in out.getvalue()
    assert verify_packing(pts, "1/2").passed           # progress changes nothing in the result
    assert cap_packing(3, "1/2")[0] == pts


def test_call_interruptibly_off_the_main_thread_runs_in_process():
    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(call_interruptibly(os.getpid)))
    t.start()
    t.join()
    assert out == [os.getpid()]                 # no child process: the same pid
    assert call_interruptibly(os.getpid) != os.getpid()   # main thread: computed in a forked child
