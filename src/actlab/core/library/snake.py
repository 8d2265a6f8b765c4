r"""Snake: the identity plus a periodic bump, for learning periodic functions.

.. math::
    \mathrm{snake}_\alpha(x) = x + \frac{\sin^2(\alpha x)}{\alpha}, \qquad
    \mathrm{snake}_\alpha'(x) = 1 + \sin(2\alpha x), \qquad
    \mathrm{snake}_\alpha''(x) = 2\alpha\cos(2\alpha x)

and, for training the frequency :math:`\alpha` (learnable),
:math:`\partial_\alpha \mathrm{snake} = \sin(\alpha x)\,\bigl(2x\cos(\alpha x) - \sin(\alpha x)/\alpha\bigr)/\alpha`.

Numerics (all in extended precision, whatever the input dtype, so that the products below neither
overflow nor lose bits for any double :math:`\alpha`):

* :math:`u = \alpha x` is formed exactly as :math:`p + e` (Dekker's product): rounding :math:`\alpha x`
  shifts :math:`\sin(2u)` by up to :math:`2^{-64}|2u|`, which is all of the value next to a zero of
  :math:`\cos(2u)` or for large :math:`|x|`.  Then :math:`\sin 2u` and :math:`\cos 2u` come from the
  angle-addition formulas on :math:`2p` and :math:`2e` (both exact; ``sin``/``cos`` reduce exactly).
* :math:`f' = 1 + \sin 2u` has double zeros at :math:`u = -\pi/4 + k\pi` where the sum cancels; there
  (:math:`\sin 2u < 0`) it is evaluated as :math:`\cos^2(2u)/(1 - \sin 2u)` (since
  :math:`1 - \sin^2 = \cos^2`), whose factors have full relative accuracy.
* :math:`f'' = 2\alpha\cos 2u` is relative-accurate next to its zeros for the same reason.
* limitation: where :math:`|\alpha x| \ge 2^{53}` and :math:`\alpha x` does not fit in 64 bits, the
  residual :math:`2e` is no longer small and the angle-addition terms are of order 1: :math:`\sin 2u`,
  :math:`\cos 2u` are then accurate to :math:`\approx 2^{-63}` absolute (relative accuracy is lost only
  within about :math:`2^{-10}` of a zero, where exact range reduction of a double-length argument would
  be needed).  :math:`\alpha = 1` (the default) and :math:`\alpha` with few significant bits are exact.
* :math:`f` needs only :math:`\mathrm{fl}(\alpha x)`: its error :math:`\le 2^{-64}|x|` is below
  :math:`2^{-61}|f|` because :math:`|f| \ge 0.27|x|`.

At :math:`\pm\infty`, :math:`f = \pm\infty`; :math:`f'` and :math:`f''` oscillate without a limit and are
NaN there (arguments guarded: no invalid-operation warning).  Smooth, monotonic (:math:`f' \ge 0`, with
isolated zeros), not saturating.

Reference: Ziyin, Hartwig & Ueda, Neural networks fail to learn periodic functions and how to fix it,
NeurIPS 2020.
"""
import math

import numpy as np

from ..numerics import two_product
from ..registry import register
from ..spec import ActivationSpec, Init, Param

LD = np.longdouble


def _extended(x):
    """``x`` in extended precision, the mask of finite entries and ``x`` with non-finite entries 0."""
    xl = np.asarray(x, dtype=LD)
    finite = np.isfinite(xl)
    return xl, finite, np.where(finite, xl, 0.0)


def _sin_cos_2u(xs, alpha):
    r""":math:`\sin(2\alpha x)`, :math:`\cos(2\alpha x)` with :math:`\alpha x = p + e` exactly."""
    p, e = two_product(np.asarray(alpha, dtype=LD), xs)
    sp, cp = np.sin(2.0 * p), np.cos(2.0 * p)
    se, ce = np.sin(2.0 * e), np.cos(2.0 * e)
    return sp * ce + cp * se, cp * ce - sp * se


def snake(x, alpha=1.0):
    r""":math:`x + \sin^2(\alpha x)/\alpha`."""
    xl, finite, xs = _extended(x)
    s = np.sin(alpha * xs)
    return np.where(finite, xs + s * s / alpha, xl).astype(x.dtype)


def snake_derivative(x, alpha=1.0):
    r""":math:`1 + \sin(2\alpha x)`, as :math:`\cos^2(2\alpha x)/(1 - \sin(2\alpha x))` where that
    cancels; NaN at :math:`\pm\infty`."""
    _, finite, xs = _extended(x)
    s, c = _sin_cos_2u(xs, alpha)
    d = np.where(s >= 0, 1.0 + s, c * c / (1.0 - np.minimum(s, 0.0)))
    return np.where(finite, d, np.nan).astype(x.dtype)


def snake_second_derivative(x, alpha=1.0):
    r""":math:`2\alpha\cos(2\alpha x)`; NaN at :math:`\pm\infty`."""
    _, finite, xs = _extended(x)
    _, c = _sin_cos_2u(xs, alpha)
    return np.where(finite, (2.0 * alpha) * c, np.nan).astype(x.dtype)


def snake_param_derivative(x, alpha=1.0):
    r""":math:`\partial_\alpha f = \sin u\,(2x\cos u - \sin u/\alpha)/\alpha`, :math:`u = \alpha x`."""
    _, finite, xs = _extended(x)
    u = alpha * xs
    s = np.sin(u)
    g = s * (2.0 * xs * np.cos(u) - s / alpha) / alpha
    return {"alpha": np.where(finite, g, np.nan).astype(x.dtype)}


def _zero_centred(p):
    """Closed form: E f(z) = (1 - e^{-2a^2})/(2a), E f(z)^2 = 1 + E sin^4(az)/a^2, z ~ N(0, 1)."""
    a = p["alpha"]
    mean = -math.expm1(-2 * a * a) / (2 * a)
    sin4 = (3 - 4 * math.exp(-2 * a * a) + math.exp(-8 * a * a)) / 8
    return abs(mean) <= 0.01 * math.sqrt(1 + sin4 / (a * a))


register(ActivationSpec(
    name="snake", class_name="Snake",
    params=(Param("alpha", 1.0, "frequency alpha of the periodic term (trained per channel in the paper)",
                  low=0.0, low_open=True, learnable=True),),
    fn=snake, derivative=snake_derivative, second_derivative=snake_second_derivative,
    param_derivative=snake_param_derivative,
    formula=r"\mathrm{snake}_\alpha(x) = x + \frac{\sin^2(\alpha x)}{\alpha}",
    derivative_formula=r"\mathrm{snake}_\alpha'(x) = 1 + \sin(2\alpha x), \quad "
                       r"\frac{\partial\,\mathrm{snake}}{\partial\alpha} = \frac{x\sin(2\alpha x)}{\alpha} "
                       r"- \frac{\sin^2(\alpha x)}{\alpha^2}",
    second_derivative_formula=r"\mathrm{snake}_\alpha''(x) = 2\alpha\cos(2\alpha x)",
    description="The identity plus sin^2(alpha x)/alpha: monotonic like ReLU-style activations, but with a "
                "periodic component so networks can extrapolate periodic signals.",
    pros=("learns and extrapolates periodic functions (ReLU, tanh cannot)", "monotonic and unbounded: "
          "optimises like ReLU", "frequency alpha can be learned", "smooth"),
    cons=("not zero-centred", "alpha needs tuning (large alpha: many local minima)",
          "sin is costlier than ReLU", "gradient 0 at isolated points x = (k - 1/4) pi / alpha"),
    family="periodic", year=2020,
    reference="Ziyin, Hartwig & Ueda, Neural networks fail to learn periodic functions and how to fix it, "
              "NeurIPS 2020",
    output_range=(-float("inf"), float("inf")), monotonic=True, smoothness="Cinf",
    zero_centred=_zero_centred, saturating=(), f0=0.0, fprime0=1.0,
    limits=(-float("inf"), float("inf")), kinks=(), init=Init("glorot", 1.0),
    mp_fn=lambda mp, x, alpha: x + mp.sin(alpha * x) ** 2 / alpha,
    mp_derivative=lambda mp, x, alpha: 1 + mp.sin(2 * alpha * x),
    mp_second_derivative=lambda mp, x, alpha: 2 * alpha * mp.cos(2 * alpha * x),
    sample_params=lambda rng: {"alpha": float(rng.choice([0.3, 1.7, 5.0]))},
))
