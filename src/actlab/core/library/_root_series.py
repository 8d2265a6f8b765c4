r"""Taylor series about the roots of :math:`f'` and :math:`f''` for the self-gated
activations (``silu``, ``mish``).

Near a root of a derivative the closed form is a difference of two nearly equal terms (for SiLU,
:math:`1 + u\,\sigma(-u)` at :math:`u \approx -1.2785`), so its *relative* error grows without bound as
:math:`x` approaches the root; the 11 extra bits of ``np.longdouble`` are not enough one ULP away.
There we evaluate instead

.. math::
    g(r + t) = \sum_{k \ge 1} c_k t^k, \qquad t = (x - r_1) - r_2,

where :math:`r = r_1 + r_2` is the root to ~40 digits (``r_1`` a float64, so ``x - r_1`` is exact by
Sterbenz' lemma; ``r_2`` the tiny rest) and :math:`c_k` are the Taylor coefficients.  Roots and
coefficients were computed once with mpmath (80 digits, exact power-series arithmetic) and pasted as
decimal strings; they are converted once per working dtype.  With ``|t| < 1/16`` and 18 terms the
truncation error is below :math:`10^{-24}` relative, and outside that interval the closed form loses at
most 5 bits, well within the working precision's margin.
"""
from __future__ import annotations

import numpy as np

from ..numerics import LD, horner


class RootSeries:
    """Series :math:`\\sum_{k\\ge1} c_k t^k` of a derivative about one of its roots ``r = r1 + r2``."""

    def __init__(self, root: tuple[float, str], coefficients: tuple[str, ...], radius: float = 0.0625):
        self.r1, self._r2 = root
        self._coefficients = coefficients
        self.radius = radius
        self._cache: dict = {}

    def _constants(self, dtype):
        dtype = np.dtype(dtype)
        if dtype not in self._cache:
            convert = lambda text: np.asarray(LD(text), dtype=dtype)[()]   # noqa: E731
            self._cache[dtype] = (convert(self._r2), tuple(convert(c) for c in self._coefficients))
        return self._cache[dtype]

    def evaluate(self, t):
        """The series at offsets ``t`` (only meaningful for ``|t| < radius``)."""
        _, c = self._constants(t.dtype)
        return horner(t, c) * t

    def patch(self, out, u, u_lo=None, scale=None):
        """``out`` with the series (times ``scale`` if given) where ``u`` is within ``radius`` of the
        root; in place when ``out`` is an array, but always use the returned value.  Only the few
        points near the root are evaluated."""
        out = np.array(out, copy=None)      # 0-d arithmetic yields NumPy scalars, which are read-only
        d = u - self.r1                     # exact near the root (Sterbenz)
        near = np.abs(d) < self.radius      # False for NaN: the closed form propagates it
        if near.any():
            r2, _ = self._constants(u.dtype)
            t = d[near] if u_lo is None else d[near] + u_lo[near]
            value = self.evaluate(t - r2)
            out[near] = value if scale is None else value * scale
        return out

