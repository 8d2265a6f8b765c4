r"""Squareplus: a softplus-like rectifier built from a square root.

.. math::
    \mathrm{squareplus}_b(x) = \frac{x + \sqrt{x^2 + b}}{2}, \qquad b \ge 0

.. math::
    \mathrm{squareplus}_b'(x) = \frac{1}{2}\left(1 + \frac{x}{\sqrt{x^2+b}}\right), \qquad
    \mathrm{squareplus}_b''(x) = \frac{b}{2\,(x^2+b)^{3/2}}

Numerical notes.  With :math:`h = \sqrt{x^2+b}` computed as ``hypot(x, sqrt(b))`` (no overflow of
:math:`x^2`), the textbook formulas cancel for :math:`x \ll 0`; there the algebraically equal forms

.. math::
    f = \frac{b}{2(h - x)} = \frac{\sqrt b}{2}\cdot\frac{\sqrt b}{h - x}, \qquad
    f' = \frac{1}{2}\cdot\frac{\sqrt b}{h}\cdot\frac{\sqrt b}{h - x}

are used (:math:`h - x = h + |x|`: no cancellation), and :math:`f'' = \frac{1}{2h}(\sqrt b/h)^2`; every
ratio is at most 1, so no intermediate overflows even for huge ``b``.  ``b = 0`` is exactly ReLU and is
evaluated as such (with ReLU's kink convention ``f'(0) = 0``); for ``b > 0`` the function is smooth
(C-infinity) with :math:`f(0) = \sqrt b / 2` and :math:`f'(0) = 1/2`.

Reference: So, Squareplus: a softplus-like algebraic rectifier, arXiv:2112.11687, 2021 (JAX's
``jax.nn.squareplus``).
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param


def _parts(x, b):
    """Guarded arguments: ``xn`` (x < 0, else -1), ``xp`` (x >= 0 or NaN, else 0), sqrt(b), h(xn), h(xp)."""
    sb = np.sqrt(np.asarray(b, dtype=x.dtype))
    xn = np.where(x < 0, x, -1.0)
    xp = np.where(x < 0, 0.0, x)
    return xn, xp, sb, np.hypot(xn, sb), np.hypot(xp, sb)


def _nan_or(x, value):
    return np.where(np.isnan(x), x, value)


def squareplus(x, b=4.0):
    r""":math:`(x + \sqrt{x^2+b})/2`, as :math:`b/(2(\sqrt{x^2+b} - x))` for :math:`x < 0`."""
    if b == 0:
        return np.maximum(x, 0.0)
    xn, xp, sb, hn, hp = _parts(x, b)
    return np.where(x < 0, 0.5 * sb * (sb / (hn - xn)), 0.5 * (xp + hp))


def squareplus_derivative(x, b=4.0):
    r""":math:`(1 + x/\sqrt{x^2+b})/2`, as :math:`b/(2\sqrt{x^2+b}(\sqrt{x^2+b}-x))` for :math:`x < 0`."""
    if b == 0:
        return _nan_or(x, (x > 0).astype(x.dtype))
    xn, xp, sb, hn, hp = _parts(x, b)
    inf = np.isinf(xp)
    ratio = np.where(inf, 1.0, xp) / np.where(inf, 1.0, hp)      # x/h -> 1 at +inf
    return np.where(x < 0, 0.5 * (sb / hn) * (sb / (hn - xn)), 0.5 * (1.0 + ratio))


def squareplus_second_derivative(x, b=4.0):
    r""":math:`b/(2(x^2+b)^{3/2})`."""
    if b == 0:
        return _nan_or(x, np.zeros_like(x))
    sb = np.sqrt(np.asarray(b, dtype=x.dtype))
    h = np.hypot(x, sb)
    r = sb / h
    return (r * r) / (2.0 * h)


def _mp(mp, x, b, order):
    if b == 0:
        return (max(x, 0), mp.mpf(1) if x > 0 else mp.mpf(0), mp.mpf(0))[order]
    h = mp.sqrt(x * x + b)
    if order == 2:
        return b / (2 * h ** 3)
    if x < 0:
        return b / (2 * (h - x)) if order == 0 else b / (2 * h * (h - x))
    return (x + h) / 2 if order == 0 else (1 + x / h) / 2


register(ActivationSpec(
    name="squareplus", class_name="Squareplus",
    params=(Param("b", 4.0, "curvature near 0 (b = 0 gives relu)", low=0.0),),
    fn=squareplus, derivative=squareplus_derivative, second_derivative=squareplus_second_derivative,
    formula=r"\mathrm{squareplus}(x) = \frac{x + \sqrt{x^2 + b}}{2}",
    derivative_formula=r"\mathrm{squareplus}'(x) = \frac{1}{2}\left(1 + \frac{x}{\sqrt{x^2 + b}}\right)",
    second_derivative_formula=r"\mathrm{squareplus}''(x) = \frac{b}{2\,(x^2 + b)^{3/2}}",
    description="An algebraic softplus: smooth, positive, ReLU-like, using only a square root.",
    pros=("smooth for b > 0, relu for b = 0", "cheaper than softplus (sqrt instead of exp and log)",
          "non-zero gradient everywhere for b > 0"),
    cons=("not zero-centred", "tails approach relu only algebraically (f ~ b/(4|x|) for x -> -inf)",
          "naive formula cancels for large negative x"),
    family="rectifier", year=2021,
    reference="So, Squareplus: a softplus-like algebraic rectifier, arXiv:2112.11687, 2021",
    output_range=(0.0, math.inf), monotonic=True,
    smoothness=lambda p: "C0" if p["b"] == 0 else "Cinf", zero_centred=False, saturating=("-inf",),
    f0=lambda p: math.sqrt(p["b"]) / 2.0, fprime0=lambda p: None if p["b"] == 0 else 0.5,
    limits=(0.0, math.inf),
    kinks=lambda p: (Kink(0.0, 0.0, "b = 0 is relu: f'(0) = 0 as in PyTorch"),) if p["b"] == 0 else (),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x, b: _mp(mp, x, b, 0),
    mp_derivative=lambda mp, x, b: _mp(mp, x, b, 1),
    mp_second_derivative=lambda mp, x, b: _mp(mp, x, b, 2),
    sample_params=lambda rng: {"b": float(rng.choice([0.0, 1.0, 100.0]))},
))
