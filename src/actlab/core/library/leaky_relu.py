r"""Leaky rectified linear unit.

.. math::
    \mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}
    \qquad (a = \texttt{negative\_slope} = 0.01)

.. math::
    \mathrm{leaky\_relu}'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}, \qquad
    \mathrm{leaky\_relu}''(x) = 0

Numerics: one multiplication in the working precision, rounded once, so the result is correctly
rounded (up to a double rounding below 1 ULP).  The argument of :math:`a x` is guarded so that
:math:`a = 0` gives the limit :math:`0` at :math:`-\infty` rather than :math:`0 \cdot \infty = \mathrm{NaN}`
(``a = 0`` is exactly ReLU, derivatives included).

Kink at 0: ``leaky_relu'(0) = negative_slope`` (PyTorch's convention: the left branch includes 0).
Any finite slope is accepted, as in PyTorch; ``a < 0`` makes the function non-monotonic and ``a = 1``
is the identity (no kink).

Reference: Maas, Hannun & Ng, Rectifier nonlinearities improve neural network acoustic models,
ICML Workshop on Deep Learning for Audio, Speech and Language Processing, 2013.
"""
from ..registry import register
from ..spec import ActivationSpec, Param
from ._piecewise_linear import leaky, leaky_derivative, leaky_metadata, mp_leaky, pick, zero


def leaky_relu(x, negative_slope=0.01):
    r""":math:`x` for :math:`x > 0`, else :math:`a x`."""
    return leaky(x, negative_slope)


def leaky_relu_derivative(x, negative_slope=0.01):
    r""":math:`1` for :math:`x > 0`, else :math:`a` (``leaky_relu'(0) = a``)."""
    return leaky_derivative(x, negative_slope)


def leaky_relu_second_derivative(x, negative_slope=0.01):
    r""":math:`0`."""
    return zero(x)


register(ActivationSpec(
    single_rounding=True,
    name="leaky_relu", class_name="LeakyReLU", aliases=("leakyrelu", "lrelu"),
    params=(Param("negative_slope", 0.01, "slope a of the negative part"),),
    fn=leaky_relu, derivative=leaky_relu_derivative, second_derivative=leaky_relu_second_derivative,
    formula=r"\mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0\\ a\,x & x \le 0\end{cases}",
    derivative_formula=r"\mathrm{leaky\_relu}'(x) = \begin{cases} 1 & x > 0\\ a & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{leaky\_relu}''(x) = 0",
    description="ReLU with a small fixed slope for negative inputs, so no unit ever gets a zero gradient.",
    pros=("fixes dying ReLU: gradient a > 0 for x < 0", "cheap", "does not saturate"),
    cons=("the slope is a hyper-parameter", "not zero-centred", "not differentiable at 0",
          "gains over ReLU are inconsistent"),
    family="rectifier", year=2013,
    reference="Maas, Hannun & Ng, Rectifier nonlinearities improve neural network acoustic models, "
              "ICML Workshop on Deep Learning for Audio, Speech and Language Processing 2013",
    **leaky_metadata(lambda p: p["negative_slope"]),
    mp_fn=lambda mp, x, negative_slope: mp_leaky(mp, x, negative_slope, 0),
    mp_derivative=lambda mp, x, negative_slope: mp_leaky(mp, x, negative_slope, 1),
    mp_second_derivative=lambda mp, x, negative_slope: mp_leaky(mp, x, negative_slope, 2),
    sample_params=lambda rng: {"negative_slope": pick(rng, [0.2, 0.0, -0.5, 3.0])},
))
