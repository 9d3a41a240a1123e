"""The sympy symbols shared by every module of :mod:`bounds` (one place, so expressions compare equal)."""

import sympy as sp

#: input dimension d (every exponent is a rational function of it; real d >= 1 unless stated) and
#: sample size n
d, n = sp.symbols("d n", positive=True)
#: log n, kept as its own symbol so that log factors are tracked as powers (n >= 3 makes it >= 1)
log_n = sp.Symbol("L_n", positive=True)
#: the free scale of a construction / proof (annulus width, cap radius, covering radius ...)
eps = sp.Symbol("epsilon", positive=True)
#: covering radius of the entropy argument and the critical radius of the localized argument
t, delta = sp.symbols("t delta", positive=True)
#: constants of the statements: sup norm, variation budget, noise level, step size, sup bound
M, C, sigma, eta, B = sp.symbols("M C sigma eta B", positive=True)
#: A = 1/eta - 1/2 + 4M, the unweighted-norm budget inside the annulus (proof of Thm 3.5)
A = sp.Symbol("A", positive=True)
#: entropy exponent alpha (Prop. F.4 gives alpha = 2d/(d+3))
alpha = sp.Symbol("alpha", positive=True)
