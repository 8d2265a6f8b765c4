r"""LiSHT: linearly scaled hyperbolic tangent.

.. math::
    \mathrm{lisht}(x) = x\tanh(x), \qquad
    \mathrm{lisht}'(x) = \tanh(x) + x\operatorname{sech}^2(x), \qquad
    \mathrm{lisht}''(x) = 2\operatorname{sech}^2(x)\,\bigl(1 - x\tanh(x)\bigr)

Numerics: :math:`f` and :math:`f'` are sums and products of same-signed accurate factors
(:math:`\tanh x` and :math:`x\operatorname{sech}^2 x` have the sign of :math:`x`), so they need no care
beyond the tail-accurate :math:`\operatorname{sech}^2 x = 4e^{-2|x|}/(1+e^{-2|x|})^2` and a cap on
:math:`|x|` in :math:`x\operatorname{sech}^2 x` (:math:`\infty \cdot 0` would be NaN; the product is 0
far below :math:`|x| = 10^4`).  The factor :math:`g(x) = 1 - x\tanh x` of :math:`f''` vanishes at
:math:`x = \pm r`, :math:`r = 1.19967864025773383\dots` (where :math:`\tanh r = 1/r`), and the
subtraction cancels there.  Within :math:`0.03` of :math:`\pm r` it is replaced by its Taylor series in
:math:`t = |x| - r`, with :math:`r` split in three doubles so that :math:`t` is exact to the working
precision and the coefficients from mpmath (:math:`g'(r) = -r` exactly, :math:`g''(r) = 0`; degree 15
reaches :math:`2^{-66}` relative at :math:`|t| = 0.03`).  Outside the window the subtraction loses
fewer than 5 of the working precision's extra bits.

Smooth; even, non-negative, not monotonic (decreasing for :math:`x < 0`); :math:`f(\pm\infty) = +\infty`.

Reference: Roy, Manna, Dubey & Chaudhuri, LiSHT: non-parametric linearly scaled hyperbolic tangent
activation function for neural networks, arXiv:1901.05894, 2019.
"""
import numpy as np

from ..numerics import const, horner, sech2
from ..registry import register
from ..spec import ActivationSpec, Init

# root r of 1 - x tanh x as r1 + r2 + r3 (doubles), and the Taylor coefficients of
# g(r + t) = 1 - (r + t) tanh(r + t) for t^1 .. t^15 (mpmath, 50 digits)
_R1, _R2, _R3 = 1.1996786402577337, 9.232436427676682e-17, 5.404155842973672e-34
_WINDOW = 0.03
_G_SERIES = (
    "-1.19967864025773383391637", "0.0", "1.22040693552256378493403e-1",
    "-1.01727820648734462140334e-1", "3.59796147747605236277862e-2", "3.91822964216073357959914e-3",
    "-1.17723939865302981170436e-2", "6.24626144565382605335569e-3", "-8.1870721392677114454683e-4",
    "-1.09727963524623437078762e-3", "8.83446556724264838383962e-4", "-2.61659231094581027493226e-4",
    "-6.54394555589021887652359e-5", "1.07167610167573990040305e-4", "-4.90685089908559831491092e-5",
)
_COEFFS = {}


def _one_minus_x_tanh_x(x):
    r""":math:`1 - x\tanh x`, by its Taylor series about :math:`\pm r` near the roots."""
    if x.dtype not in _COEFFS:
        _COEFFS[x.dtype] = [const(c, x) for c in _G_SERIES]
    a = np.abs(x)
    t = ((a - _R1) - _R2) - _R3
    near = np.abs(t) < _WINDOW
    ts = np.where(near, t, 0.0)
    ac = np.minimum(a, 1e4)          # finite, so sech^2 (0 there) times it is 0, not NaN
    return np.where(near, ts * horner(ts, _COEFFS[x.dtype]), 1.0 - ac * np.tanh(ac))


def lisht(x):
    r""":math:`x\tanh x`."""
    return x * np.tanh(x)


def lisht_derivative(x):
    r""":math:`\tanh x + x\operatorname{sech}^2 x`."""
    xc = np.clip(x, -1e4, 1e4)       # sech^2 is 0 beyond: avoids inf * 0
    return np.tanh(x) + xc * sech2(xc)


def lisht_second_derivative(x):
    r""":math:`2\operatorname{sech}^2(x)\,(1 - x\tanh x)`."""
    return 2.0 * sech2(x) * _one_minus_x_tanh_x(x)


register(ActivationSpec(
    name="lisht", class_name="LiSHT", aliases=("linearly_scaled_tanh",),
    fn=lisht, derivative=lisht_derivative, second_derivative=lisht_second_derivative,
    formula=r"\mathrm{lisht}(x) = x\tanh(x)",
    derivative_formula=r"\mathrm{lisht}'(x) = \tanh(x) + x\operatorname{sech}^2(x)",
    second_derivative_formula=r"\mathrm{lisht}''(x) = 2\operatorname{sech}^2(x)\,\bigl(1 - x\tanh(x)\bigr)",
    description="tanh scaled by its input: an even, non-negative, unbounded activation that keeps a "
                "gradient for negative inputs.",
    pros=("non-zero gradient for negative inputs (no dying units)", "smooth",
          "unbounded above: does not saturate", "reported to fix tanh's vanishing gradient"),
    cons=("even function: x and -x give the same output", "not zero-centred (output >= 0)",
          "near-zero gradient around 0 (f ~ x^2)"),
    family="self-gated", year=2019,
    reference="Roy, Manna, Dubey & Chaudhuri, LiSHT: non-parametric linearly scaled hyperbolic tangent "
              "activation function for neural networks, arXiv:1901.05894, 2019",
    output_range=(0.0, float("inf")), monotonic=False, smoothness="Cinf", zero_centred=False,
    saturating=(), f0=0.0, fprime0=0.0, limits=(float("inf"), float("inf")), kinks=(),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: x * mp.tanh(x),
    mp_derivative=lambda mp, x: mp.tanh(x) + x * mp.sech(x) ** 2,
    mp_second_derivative=lambda mp, x: 2 * mp.sech(x) ** 2 * (1 - x * mp.tanh(x)),
))
