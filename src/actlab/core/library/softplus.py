r"""Softplus, the smooth rectifier.

.. math::
    \mathrm{softplus}_\beta(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)
    = \max(x, 0) + \frac{1}{\beta}\operatorname{log1p}\left(e^{-\beta|x|}\right), \qquad \beta > 0

.. math::
    \mathrm{softplus}_\beta'(x) = \sigma(\beta x), \qquad
    \mathrm{softplus}_\beta''(x) = \beta\,\sigma'(\beta x) = \beta\,\frac{e^{-\beta|x|}}{(1+e^{-\beta|x|})^2}

Numerical notes.  The identity :math:`\max(\beta x,0)/\beta = \max(x,0)` is used, so the large part of
the result is ``x`` itself (no rounding from a division by :math:`\beta`) and only the small,
non-negative correction :math:`\operatorname{log1p}(e^{-\beta|x|})/\beta` is rounded; both terms have the
same sign, so nothing cancels and the formula is accurate for every ``x``.  ``exp`` only ever sees a
non-positive argument.  :math:`|x|` is capped at :math:`2\cdot10^4/\beta` before the product
:math:`\beta|x|`, which therefore cannot overflow for any ``beta`` and ``x`` (beyond the cap
:math:`e^{-\beta|x|}` is 0 even in 80-bit extended precision, so the result is exactly ``max(x, 0)``
or the underflowed tail).  For :math:`\beta \ne 1` the product :math:`\beta x` is rounded once in the
working type; in the tail this gives a relative error of about :math:`\beta|x|\,\epsilon_{work}`, well
under an ULP of the caller's type wherever the result is a normal number.

No threshold switch.  PyTorch's ``Softplus(beta, threshold=20)`` returns ``x`` once
:math:`\beta x > 20`, dropping :math:`e^{-20}/\beta \approx 2\cdot10^{-9}`: correct in float32, but
wrong by up to :math:`\sim 6\cdot10^{5}` ULP in float64.  actlab has no ``threshold`` parameter; the
formula above is exact everywhere.

Reference: Dugas, Bengio, Bélisle, Nadeau & Garcia, Incorporating second-order functional knowledge
for better option pricing, NIPS 2001; as a rectifier, Glorot, Bordes & Bengio, AISTATS 2011.
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Param

_CAP = 2.0e4     # exp(-2e4) underflows to 0 even in 80-bit extended precision


def _scaled_abs(x, beta):
    """:math:`\\beta|x|` with ``|x|`` capped so the product never overflows (NaN stays NaN)."""
    if beta == 1.0:                  # nothing to overflow: skip the cap and the product
        return np.abs(x)
    return beta * np.minimum(np.abs(x), _CAP / beta)


def softplus(x, beta=1.0):
    r""":math:`\max(x,0) + \operatorname{log1p}(e^{-\beta|x|})/\beta`."""
    tail = np.log1p(np.exp(-_scaled_abs(x, beta)))
    return np.maximum(x, 0.0) + (tail if beta == 1.0 else tail / beta)


def softplus_derivative(x, beta=1.0):
    r""":math:`\sigma(\beta x)`, split by sign of ``x``."""
    e = np.exp(-_scaled_abs(x, beta))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus_second_derivative(x, beta=1.0):
    r""":math:`\beta\,e^{-\beta|x|}/(1+e^{-\beta|x|})^2`."""
    e = np.exp(-_scaled_abs(x, beta))
    return beta * (e / ((1.0 + e) * (1.0 + e)))


def _mp_f(mp, x, beta):
    bx = beta * x
    return (max(bx, 0) + mp.log1p(mp.exp(-abs(bx)))) / beta


def _mp_df(mp, x, beta):
    e = mp.exp(-abs(beta * x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


def _mp_d2f(mp, x, beta):
    e = mp.exp(-abs(beta * x))
    return beta * e / (1 + e) ** 2


register(ActivationSpec(
    name="softplus", class_name="Softplus", aliases=("smooth_relu", "smoothrelu"),
    params=(Param("beta", 1.0, "sharpness: softplus approaches relu as beta grows", low=0.0, low_open=True),),
    fn=softplus, derivative=softplus_derivative, second_derivative=softplus_second_derivative,
    formula=r"\mathrm{softplus}(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)",
    derivative_formula=r"\mathrm{softplus}'(x) = \sigma(\beta x) = \frac{1}{1 + e^{-\beta x}}",
    second_derivative_formula=r"\mathrm{softplus}''(x) = \beta\,\sigma(\beta x)\,\bigl(1 - \sigma(\beta x)\bigr)",
    description="A smooth approximation of ReLU whose derivative is the logistic sigmoid.",
    pros=("smooth everywhere (no kink at 0)", "non-zero gradient everywhere: no dying units",
          "derivative is the sigmoid"),
    cons=("not zero-centred", "exp/log are costlier than ReLU", "output never exactly 0: no sparsity",
          "naive log(1+exp(x)) overflows for large x"),
    family="rectifier", year=2001,
    reference="Dugas, Bengio, Bélisle, Nadeau & Garcia, Incorporating second-order functional knowledge "
              "for better option pricing, NIPS 2001",
    output_range=(0.0, math.inf), monotonic=True, smoothness="Cinf", zero_centred=False,
    saturating=("-inf",), f0=lambda p: math.log(2.0) / p["beta"], fprime0=0.5, limits=(0.0, math.inf),
    init=Init("he", 2 ** 0.5),
    mp_fn=_mp_f, mp_derivative=_mp_df, mp_second_derivative=_mp_d2f,
    sample_params=lambda rng: {"beta": float(rng.choice([0.5, 3.0]))},
))
