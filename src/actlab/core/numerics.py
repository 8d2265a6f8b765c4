"""Stable numeric primitives shared by the activation kernels.

Rules every kernel follows (each one a bug a well-known library shipped):

* kernels compute in a wider type than the caller's and the result is rounded once: float16/float32
  inputs are computed in float64, float64 inputs in ``np.longdouble`` (80-bit extended on x86-64, 11
  more bits).  A kernel whose formula loses a few ULP of its working type therefore still returns the
  correctly rounded result almost everywhere.  Kernels are dtype-generic: constants are Python floats
  (NEP 50 keeps them weak) or :func:`const` values, and SciPy functions (float64 only) are used only
  where their float64 accuracy is enough or is corrected;
* ``np.where`` evaluates both branches, so the *argument* of every partial formula is guarded (e.g.
  ``np.minimum(x, 0)`` before ``expm1``), never only the result;
* derivatives are computed from the input ``x``.
"""
from __future__ import annotations

import math

import numpy as np

LD = np.longdouble
SQRT2 = 1.4142135623730951
SQRT_2_OVER_PI = 0.7978845608028654   # sqrt(2/pi)
INV_SQRT_2PI = 0.3989422804014327     # 1/sqrt(2*pi)
FLOAT_KINDS = (np.float16, np.float32, np.float64)


def as_input(x) -> np.ndarray:
    """Validate and convert user input to an ndarray of a float dtype (no copy when already float).

    float16/32/64 are kept; bool and integer become float64; complex, object, string, datetime raise
    ``TypeError``.
    """
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind == "f":
        return arr
    if kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(f"activation input must be real numbers (float, int or bool); got dtype {arr.dtype}")


def work_dtype(dtype) -> np.dtype:
    """The type kernels compute in for inputs of ``dtype``: float64 for float16/32, longdouble otherwise."""
    return np.dtype(np.float64) if np.dtype(dtype).itemsize < 8 else np.dtype(LD)


def widen(x: np.ndarray) -> np.ndarray:
    """``x`` converted to its working type (see :func:`work_dtype`)."""
    return x.astype(work_dtype(x.dtype))


def const(text: str, like) -> np.ndarray:
    """Constant ``text`` (decimal, full precision) as a 0-d value of ``like``'s dtype, so that
    ``const("1.0507009873554804934193349852946", x) * x`` neither loses precision nor promotes."""
    return np.asarray(LD(text), dtype=np.asarray(like).dtype)


def finish(result, dtype) -> np.ndarray:
    """Round a kernel result to the caller's dtype, without overflow warnings."""
    result = np.asarray(result)
    if result.dtype == dtype:
        return result
    with np.errstate(over="ignore"):     # rounding a huge float64 to float16 is +-inf by definition
        return result.astype(dtype)


def sigmoid(x):
    r"""Logistic function :math:`\sigma(x) = 1/(1+e^{-x})`, split by sign so ``exp`` never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(x):
    r""":math:`\sigma'(x) = e^{-|x|}/(1+e^{-|x|})^2`, accurate in both tails (no ``σ(1-σ)`` cancellation)."""
    e = np.exp(-np.abs(x))
    return e / ((1.0 + e) * (1.0 + e))


def softplus(x):
    r""":math:`\log(1+e^{x}) = \max(x,0) + \operatorname{log1p}(e^{-|x|})`, exact for all x."""
    return np.logaddexp(0.0, x)


def guard(x, mask, safe=0.0):
    """``x`` where ``mask`` else ``safe``: makes the argument of a branch harmless (see module doc)."""
    return np.where(mask, x, safe)


# ------------------------------------------------------------------ error-free transformations
# NumPy has no fused multiply-add, so exact products use Dekker's algorithm on Veltkamp-split operands.
# Everything below computes in its arguments' dtype (Python-float constants are weak under NEP 50), so
# a longdouble input stays longdouble.

def splitter(dtype) -> float:
    r"""Veltkamp's constant :math:`2^{s} + 1`, :math:`s = \lceil p/2 \rceil`, for a ``p``-bit significand.

    ``p`` counts the implicit bit: float64 (``p = 53``) gives :math:`2^{27} + 1`, x86 80-bit longdouble
    (``p = 64``) gives :math:`2^{32} + 1`, float32 :math:`2^{12} + 1`.  Taken from ``np.finfo``, so a
    platform whose longdouble is float64 gets the float64 constant.
    """
    p = np.finfo(dtype).nmant + 1
    return float(2 ** ((p + 1) // 2) + 1)


def split(a):
    r"""Veltkamp's splitting: ``(hi, lo)`` with :math:`a = hi + lo` exactly, in ``a``'s dtype.

    With :math:`c = (2^{s} + 1)\,a` (see :func:`splitter`), :math:`hi = c - (c - a)` keeps the leading
    :math:`p - s` bits of :math:`a` (half the significand) and :math:`lo = a - hi` the rest in at most
    :math:`s - 1` bits plus a sign, so any product of two halves is exact in the same dtype.
    No overflow check: :math:`|a|` must stay below ``max / (2**s + 1)``.
    """
    c = splitter(np.asarray(a).dtype) * a
    hi = c - (c - a)
    return hi, a - hi


def two_product(a, b):
    r"""Dekker's product: ``(p, e)`` with :math:`p = \mathrm{fl}(ab)` and :math:`ab = p + e` exactly.

    .. math::
        e = \bigl((a_h b_h - p) + a_h b_l + a_l b_h\bigr) + a_l b_l

    from the :func:`split` halves of ``a`` and ``b``: every partial product is exact and the sums cancel
    exactly, barring overflow (see :func:`split`) and underflow of the parts.  Used where the rounding of
    a product is amplified afterwards, e.g. :math:`x^2` inside :math:`e^{-x^2}`.
    """
    p = a * b
    ah, al = split(a)
    bh, bl = split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def two_product_scaled(a: float, x):
    r""":func:`two_product` for a Python float ``a`` of any magnitude: ``(hi, lo)`` with
    :math:`hi + lo = a x` exactly in ``x``'s dtype.

    A thin wrapper, kept because splitting ``a`` itself can overflow (``a * splitter`` for huge ``a``) and
    ``a x`` may be out of range where :math:`m x` is not: ``a = m 2^k`` (``math.frexp``,
    :math:`|m| \in [1/2, 1)`) is split through its mantissa :math:`m` and the exponent applied to both
    parts at the end (exact, by ``np.ldexp``).  ``x`` must be finite with ``|x| <= max / 2**40``; the
    parts may underflow when :math:`a x` is near the bottom of the range.
    """
    mantissa, exponent = math.frexp(a)
    hi, lo = two_product(x, np.asarray(mantissa, dtype=x.dtype)[()])
    return np.ldexp(hi, exponent), np.ldexp(lo, exponent)


# ------------------------------------------------------------------ tail-accurate helpers

def sech2(x):
    r""":math:`\operatorname{sech}^2 x = \dfrac{4e}{(1+e)^2}` with :math:`e = e^{-2|x|} \in (0, 1]`.

    No cancellation (``1 - tanh(x)**2`` is exactly 0 for :math:`|x| > 19` in float64, while the true
    value is normal up to :math:`|x| \approx 354`) and no overflow (``cosh`` overflows).  :math:`|x|` is
    capped at :math:`10^4` (the value there is below every subnormal) so ``2|x|`` never overflows.
    """
    e = np.exp(-2.0 * np.minimum(np.abs(x), 1e4))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def horner(t, coefficients):
    r"""Horner's scheme for :math:`\sum_{k=0}^{n} c_k t^k`, ``coefficients`` lowest degree first.

    :math:`(\dots(c_n t + c_{n-1}) t + \dots) t + c_0`.  The coefficients should already be in ``t``'s
    dtype (see :func:`const`) or weak Python floats; each may also be an array broadcasting against
    ``t`` (e.g. per-element coefficient rows of a table).
    """
    acc = coefficients[-1]
    for c in coefficients[-2::-1]:
        acc = acc * t + c
    return acc
