r"""Softmin along an axis: softmax of the negated scores.

.. math::
    \mathrm{softmin}(x)_i = \mathrm{softmax}(-x)_i = \frac{e^{m - x_i}}{\sum_j e^{m - x_j}}, \quad
    m = \min_j x_j, \qquad \big(g^\top J\big)_i = -y_i\,\Big(g_i - \sum_j g_j y_j\Big)

Computed as :func:`.softmax.softmax` of ``-x`` (negation is exact), so it inherits softmax's accuracy
and its conventions for non-finite rows, mirrored: an all ``+inf`` row gives the uniform ``1/n``;
``-inf`` entries share the mass and finite entries get 0; a row with NaN is all NaN.  By the chain
rule the VJP is ``-softmax_vjp(-x, g)``, with the softmax VJP of :mod:`.softmax`, which keeps
full accuracy at the dominant entry (``1 - y`` without cancellation).

Reference: PyTorch ``torch.nn.Softmin``; softmax itself is Bridle (1990).
"""

from ..registry import register
from ..spec import ActivationSpec, Init
from .softmax import softmax_vjp
from .softmax import softmax


def softmin(x, axis=-1):
    r""":math:`\mathrm{softmax}(-x)`."""
    return softmax(-x, axis)


def softmin_vjp(x, g, axis=-1):
    r""":math:`-\,\mathrm{softmax\_vjp}(-x, g)`."""
    return -softmax_vjp(-x, g, axis)


def _mp_softmin(mp, xs):
    low = min(xs)
    if low == mp.ninf:                   # the -inf entries share the mass
        k = sum(1 for v in xs if v == low)
        return [mp.mpf(1) / k if v == low else mp.mpf(0) for v in xs]
    e = [mp.exp(low - v) for v in xs]
    total = mp.fsum(e)
    return [v / total for v in e]


register(ActivationSpec(
    name="softmin", class_name="Softmin", aliases=(),
    kind="vector", fn=softmin, vjp=softmin_vjp,
    formula=r"\mathrm{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = -y_i(\delta_{ij} - y_j)",
    description="A probability distribution that favours the smallest scores (e.g. costs or distances).",
    pros=("outputs are positive and sum to 1", "soft, differentiable arg-min"),
    cons=("not elementwise: each output depends on the whole vector", "saturates when one score dominates"),
    family="vector", year=1990,
    reference="Bridle, Probabilistic interpretation of feedforward classification network outputs, 1990 "
              "(softmax); softmin as in PyTorch torch.nn.Softmin",
    output_range=(0.0, 1.0), monotonic=False, smoothness="Cinf", zero_centred=False,
    f0=None, limits=(0.0, 1.0), init=Init("glorot", 1.0),
    mp_fn=_mp_softmin,
))
