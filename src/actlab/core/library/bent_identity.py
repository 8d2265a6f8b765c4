r"""Bent identity.

.. math::
    \mathrm{bent}(x) = \frac{\sqrt{x^2 + 1} - 1}{2} + x, \qquad
    \mathrm{bent}'(x) = \frac{x}{2\sqrt{x^2 + 1}} + 1, \qquad
    \mathrm{bent}''(x) = \frac{1}{2\,(x^2 + 1)^{3/2}}

Numerics: :math:`\sqrt{x^2+1} - 1` cancels for small :math:`|x|` (it is 0 below :math:`10^{-8}` in
float64 while the true value :math:`x^2/2` is normal); it is rewritten as
:math:`|x| \cdot |x| / (\sqrt{x^2+1} + 1)` with :math:`\sqrt{x^2+1}` = ``hypot(x, 1)``, which never
overflows.  For :math:`x < 0` the sum loses at most one bit (:math:`|f| \ge |x|/2`).  The derivative is
:math:`1 + x/(2\,\mathrm{hypot}(x, 1))` with :math:`x/\mathrm{hypot} \in (-1, 1)`, so :math:`f' \in
(\tfrac12, \tfrac32)` without cancellation; :math:`f'' = \tfrac12 h^{-3}`.  At :math:`\pm\infty` the
arguments are guarded (:math:`\infty/\infty`) and the limits :math:`f = \pm\infty`,
:math:`f' = \tfrac32, \tfrac12`, :math:`f'' = 0` returned.

Smooth, monotonic, unbounded; asymptotically :math:`\tfrac32 x` for :math:`x \to \infty` and
:math:`\tfrac12 x` for :math:`x \to -\infty`.

Reference: no original paper is known; the function was popularised by the comparison table of the
Wikipedia article "Activation function" (c. 2016) and appears in several activation surveys since.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init


def _guarded(x):
    inf = np.isinf(x)
    xs = np.where(inf, 0.0, x)
    return inf, xs, np.hypot(xs, 1.0)


def bent_identity(x):
    r""":math:`x + \tfrac12 x^2/(\sqrt{x^2+1} + 1)`, i.e. :math:`(\sqrt{x^2+1}-1)/2 + x`."""
    inf, xs, h = _guarded(x)
    a = np.abs(xs)
    return np.where(inf, x, xs + 0.5 * (a * (a / (h + 1.0))))


def bent_identity_derivative(x):
    r""":math:`1 + x/(2\sqrt{x^2+1})`."""
    inf, xs, h = _guarded(x)
    return np.where(inf, 1.0 + 0.5 * np.sign(x), 1.0 + 0.5 * (xs / h))


def bent_identity_second_derivative(x):
    r""":math:`1/(2(x^2+1)^{3/2})`."""
    h = np.hypot(x, 1.0)             # inf at +-inf: 0.5 / inf = 0, no warning
    return 0.5 / (h * h * h)


register(ActivationSpec(
    name="bent_identity", class_name="BentIdentity", aliases=("bent",),
    fn=bent_identity, derivative=bent_identity_derivative, second_derivative=bent_identity_second_derivative,
    formula=r"\mathrm{bent}(x) = \frac{\sqrt{x^2+1} - 1}{2} + x",
    derivative_formula=r"\mathrm{bent}'(x) = \frac{x}{2\sqrt{x^2+1}} + 1",
    second_derivative_formula=r"\mathrm{bent}''(x) = \frac{1}{2\,(x^2+1)^{3/2}}",
    description="A smooth, monotonic, unbounded bend of the identity: slope 1/2 far left, 3/2 far right.",
    pros=("smooth everywhere, no kink", "monotonic and unbounded: no saturation, slope in (1/2, 3/2)",
          "gradient never vanishes"),
    cons=("not zero-centred", "nearly linear: little non-linearity to work with",
          "sqrt is costlier than ReLU", "rarely used; no original paper"),
    family="linear", year=2016,
    reference="No known original paper; popularised by the table of the Wikipedia article 'Activation "
              "function' (c. 2016)",
    output_range=(-float("inf"), float("inf")), monotonic=True, smoothness="Cinf", zero_centred=False,
    saturating=(), f0=0.0, fprime0=1.0, limits=(-float("inf"), float("inf")), kinks=(),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: (mp.sqrt(x * x + 1) - 1) / 2 + x,
    mp_derivative=lambda mp, x: x / (2 * mp.sqrt(x * x + 1)) + 1,
    mp_second_derivative=lambda mp, x: 1 / (2 * (x * x + 1) ** mp.mpf(1.5)),
))
