r"""Sparse sigmoid: the piecewise-linear sigmoid that is the derivative of ``sparse_plus``.

.. math::
    \mathrm{sparse\_sigmoid}(x) = \tfrac12\,\mathrm{clip}(x + 1, 0, 2) = \begin{cases} 0 & x \le -1 \\
    \tfrac12 (x+1) & -1 < x < 1 \\ 1 & x \ge 1 \end{cases}

.. math::
    \mathrm{sparse\_sigmoid}'(x) = \begin{cases} \tfrac12 & -1 < x < 1 \\ 0 & \text{otherwise}
    \end{cases}, \qquad \mathrm{sparse\_sigmoid}''(x) = 0

Evaluated as :math:`(\mathrm{clip}(x,-1,1) + 1)/2`: one rounding of :math:`x + 1` in the working type
(exact whenever :math:`|x| \ge 2^{-10}`), and the halving is exact.  NaN propagates through the clip.

Kinks at :math:`\pm 1`: ``sparse_sigmoid'(-1) = sparse_sigmoid'(1) = 0``: the slope is 1/2 only on the
open interval, PyTorch's convention for its clipped activations (``hardtanh``, ``hardsigmoid``) and what
Keras' ``where``-based ``sparse_sigmoid`` gives.  (JAX computes ``0.5 * jnp.clip(x + 1, 0, 2)``; its
``max``/``min`` autodiff splits the gradient at ties, which gives 1/4 at :math:`\pm 1`.)

Reference: Blondel, Martins & Niculae, Learning with Fenchel-Young losses, JMLR 2020 (JAX's
``jax.nn.sparse_sigmoid``).
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def sparse_sigmoid(x):
    r""":math:`(\mathrm{clip}(x, -1, 1) + 1)/2`."""
    return 0.5 * (np.clip(x, -1.0, 1.0) + 1.0)


def sparse_sigmoid_derivative(x):
    r""":math:`1/2` on :math:`(-1, 1)`, else 0 (0 at both kinks)."""
    return np.where(np.isnan(x), x, np.where((x > -1) & (x < 1), 0.5, 0.0))


def sparse_sigmoid_second_derivative(x):
    r""":math:`0`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


def _mp(mp, x, order):
    inside = -1 < x < 1
    if order == 0:
        return (x + 1) / 2 if inside else mp.mpf(0 if x <= -1 else 1)
    return mp.mpf(1) / 2 if (order == 1 and inside) else mp.mpf(0)


register(ActivationSpec(
    name="sparse_sigmoid", class_name="SparseSigmoid", aliases=("sparsesigmoid",),
    fn=sparse_sigmoid, derivative=sparse_sigmoid_derivative, second_derivative=sparse_sigmoid_second_derivative,
    formula=r"\mathrm{sparse\_sigmoid}(x) = \begin{cases} 0 & x \le -1\\ \frac12(x+1) & -1 < x < 1\\ "
            r"1 & x \ge 1\end{cases}",
    derivative_formula=r"\mathrm{sparse\_sigmoid}'(x) = \begin{cases} \frac12 & -1 < x < 1\\ "
                       r"0 & \text{otherwise}\end{cases}",
    second_derivative_formula=r"\mathrm{sparse\_sigmoid}''(x) = 0",
    description="A piecewise-linear sigmoid reaching exactly 0 and 1 at -1 and 1; the derivative of "
                "sparse_plus.",
    pros=("exact 0 and 1 outputs (sparse probabilities)", "cheap: no exp", "output in [0, 1]"),
    cons=("zero gradient outside (-1, 1): saturated units stop learning", "not zero-centred",
          "not differentiable at +-1"),
    family="sigmoid-like", year=2020,
    reference="Blondel, Martins & Niculae, Learning with Fenchel-Young losses, JMLR 2020",
    output_range=(0.0, 1.0), monotonic=True, smoothness="C0", zero_centred=False,
    saturating=("-inf", "+inf"), f0=0.5, fprime0=0.5, limits=(0.0, 1.0),
    kinks=(Kink(-1.0, 0.0, "sparse_sigmoid'(-1) = 0 (open-interval slope, PyTorch/Keras convention)"),
           Kink(1.0, 0.0, "sparse_sigmoid'(1) = 0 (open-interval slope, PyTorch/Keras convention)")),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: _mp(mp, x, 0),
    mp_derivative=lambda mp, x: _mp(mp, x, 1),
    mp_second_derivative=lambda mp, x: _mp(mp, x, 2),
))
