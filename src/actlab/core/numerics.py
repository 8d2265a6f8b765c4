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
