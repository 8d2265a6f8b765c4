r"""Gaussian activation (the radial basis function).

.. math::
    \mathrm{gaussian}(x) = e^{-x^2}, \qquad
    \mathrm{gaussian}'(x) = -2x\,e^{-x^2}, \qquad
    \mathrm{gaussian}''(x) = (4x^2 - 2)\,e^{-x^2}

Numerics: the rounding of :math:`x^2` is amplified by ``exp``: a relative error :math:`\epsilon` in
:math:`x^2` becomes :math:`x^2\epsilon` in :math:`e^{-x^2}`, about 1 ULP of float64 at :math:`|x| = 27`
even in extended precision.  So :math:`x^2 = h + l` is split exactly (Dekker's product with Veltkamp
splitting) and :math:`e^{-x^2} = e^{-h} e^{-l}`, accurate down to the underflow.  The same split makes
:math:`4x^2 - 2 = 4((h - \tfrac12) + l)` free of cancellation at the roots :math:`\pm 1/\sqrt2` of
:math:`f''` (:math:`h - \tfrac12` is exact there).  :math:`|x|` is capped at :math:`10^4` (where
:math:`e^{-x^2}` is 0 in every dtype) so that neither the split nor :math:`x \cdot 0` sees an infinity.

Smooth; even, bell-shaped, bounded in :math:`(0, 1]`, :math:`f(\pm\infty) = 0`.

Reference: Broomhead & Lowe, Multivariable functional interpolation and adaptive networks, Complex
Systems 2, 1988 (radial basis function networks).
"""
import numpy as np

from ..numerics import two_product
from ..registry import register
from ..spec import ActivationSpec, Init


def _parts(x):
    """Capped ``x`` and ``exp(-x^2)`` through the exact square."""
    xc = np.clip(x, -1e4, 1e4)
    h, l = two_product(xc, xc)
    return xc, h, l, np.exp(-h) * np.exp(-l)


def gaussian(x):
    r""":math:`e^{-x^2}`."""
    return _parts(x)[3]


def gaussian_derivative(x):
    r""":math:`-2x\,e^{-x^2}`."""
    xc, _, _, g = _parts(x)
    return -2.0 * xc * g


def gaussian_second_derivative(x):
    r""":math:`(4x^2 - 2)\,e^{-x^2} = 4((h - \tfrac12) + l)\,e^{-x^2}` with :math:`x^2 = h + l` exactly."""
    _, h, l, g = _parts(x)
    return 4.0 * ((h - 0.5) + l) * g


register(ActivationSpec(
    name="gaussian", class_name="Gaussian", aliases=("gauss", "rbf"),
    fn=gaussian, derivative=gaussian_derivative, second_derivative=gaussian_second_derivative,
    formula=r"\mathrm{gaussian}(x) = e^{-x^2}",
    derivative_formula=r"\mathrm{gaussian}'(x) = -2x\,e^{-x^2}",
    second_derivative_formula=r"\mathrm{gaussian}''(x) = (4x^2 - 2)\,e^{-x^2}",
    description="A bell-shaped bump: responds to inputs near 0 and ignores large ones; the unit of "
                "radial basis function networks.",
    pros=("smooth and bounded in (0, 1]", "local response: each unit covers a region of the input",
          "universal approximator as an RBF network"),
    cons=("saturates on both sides: vanishing gradient for |x| > 3", "not monotonic, not zero-centred",
          "rarely used in deep networks"),
    family="exponential", year=1988,
    reference="Broomhead & Lowe, Multivariable functional interpolation and adaptive networks, Complex "
              "Systems 2(3), 1988",
    output_range=(0.0, 1.0), monotonic=False, smoothness="Cinf", zero_centred=False,
    saturating=("-inf", "+inf"), f0=1.0, fprime0=0.0, limits=(0.0, 0.0), kinks=(),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: mp.exp(-x * x),
    mp_derivative=lambda mp, x: -2 * x * mp.exp(-x * x),
    mp_second_derivative=lambda mp, x: (4 * x * x - 2) * mp.exp(-x * x),
))
