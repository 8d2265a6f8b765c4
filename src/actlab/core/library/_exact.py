r"""Error-free transformations and tail-accurate helpers (private: not auto-registered).

* :func:`two_product` -- Dekker's product: :math:`a b = p + e` exactly, with :math:`p = \mathrm{fl}(ab)`,
  using Veltkamp splitting in the working dtype (no FMA in NumPy).  Used where the rounding of a product
  is amplified afterwards: :math:`x^2` inside :math:`e^{-x^2}` (``gaussian``), :math:`\alpha x` inside
  :math:`\sin(2\alpha x)` (``snake``).
* :func:`sech2` -- :math:`\operatorname{sech}^2 x = 4e/(1+e)^2`, :math:`e = e^{-2|x|}`: no cancellation
  (``1 - tanh^2`` is 0 in the tails) and no overflow (``cosh`` overflows).

All helpers are dtype-generic: they compute in ``x``'s dtype.
"""
from __future__ import annotations

import numpy as np


def _splitter(dtype) -> float:
    r"""Veltkamp's constant :math:`2^{\lceil m/2 \rceil} + 1` for an ``m``-bit significand."""
    m = np.finfo(dtype).nmant + 1
    return float(2 ** ((m + 1) // 2) + 1)


def split(a):
    """``a = hi + lo`` exactly, each half with at most half the significand bits (no overflow check)."""
    c = _splitter(np.asarray(a).dtype) * a
    hi = c - (c - a)
    return hi, a - hi


def two_product(a, b):
    """``(p, e)`` with ``p = fl(a*b)`` and ``p + e = a*b`` exactly (barring over/underflow)."""
    p = a * b
    ah, al = split(a)
    bh, bl = split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def sech2(x):
    r""":math:`\operatorname{sech}^2 x = 4e/(1+e)^2` with :math:`e = e^{-2|x|}`; :math:`|x|` capped at
    :math:`10^4` (the value there is below every subnormal) so ``2|x|`` never overflows."""
    e = np.exp(-2.0 * np.minimum(np.abs(x), 1e4))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def horner(t, coefficients):
    r""":math:`\sum_k c_k t^k` with ``coefficients`` already in ``t``'s dtype, lowest degree first."""
    acc = coefficients[-1]
    for c in coefficients[-2::-1]:
        acc = acc * t + c
    return acc
