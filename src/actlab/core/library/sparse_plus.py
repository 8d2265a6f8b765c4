r"""Sparse plus: a softplus twin that is exactly 0 below -1 and exactly linear above 1.

.. math::
    \mathrm{sparse\_plus}(x) = \begin{cases} 0 & x \le -1 \\ \tfrac14 (x+1)^2 & -1 < x < 1 \\
    x & x \ge 1 \end{cases}

.. math::
    \mathrm{sparse\_plus}'(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x+1) & -1 < x < 1 \\
    1 & x \ge 1 \end{cases} = \mathrm{sparse\_sigmoid}(x), \qquad
    \mathrm{sparse\_plus}''(x) = \begin{cases} \tfrac12 & -1 < x < 1 \\ 0 & \text{otherwise} \end{cases}

Evaluated on :math:`\mathrm{clip}(x, -1, 1)`, so the square never overflows and both the ``inf`` and
NaN inputs need no special case; :math:`(x+1)^2/4` is exact up to the one rounding of :math:`x + 1` and of
the square in the working type.  C1: :math:`f` and :math:`f'` are continuous, :math:`f''` jumps at
:math:`\pm 1`.

Kinks at :math:`\pm 1`: ``sparse_plus'(-1) = 0`` and ``sparse_plus'(1) = 1`` (the continuous values, and
what JAX's ``jnp.where(x <= -1, 0, jnp.where(x >= 1, x, ...))`` gives under autodiff);
:math:`f''(\pm 1) = 0` (the outer branches, as in JAX).

Reference: Blondel, Martins & Niculae, Learning with Fenchel-Young losses, JMLR 2020 (JAX's
``jax.nn.sparse_plus``).
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def sparse_plus(x):
    r""":math:`0`, :math:`(x+1)^2/4` or :math:`x` on :math:`(-\infty,-1]`, :math:`(-1,1)`, :math:`[1,\infty)`."""
    u = np.clip(x, -1.0, 1.0) + 1.0
    return np.where(x > 1, x, 0.25 * (u * u))


def sparse_plus_derivative(x):
    r""":math:`\mathrm{clip}((x+1)/2, 0, 1)`."""
    return 0.5 * (np.clip(x, -1.0, 1.0) + 1.0)


def sparse_plus_second_derivative(x):
    r""":math:`1/2` on :math:`(-1, 1)`, else 0."""
    return np.where(np.isnan(x), x, np.where((x > -1) & (x < 1), 0.5, 0.0))


def _mp(mp, x, order):
    if x <= -1:
        return mp.mpf(0)
    if x >= 1:
        return (x, mp.mpf(1), mp.mpf(0))[order]
    return ((x + 1) ** 2 / 4, (x + 1) / 2, mp.mpf(1) / 2)[order]


register(ActivationSpec(
    name="sparse_plus", class_name="SparsePlus", aliases=("sparseplus",),
    fn=sparse_plus, derivative=sparse_plus_derivative, second_derivative=sparse_plus_second_derivative,
    formula=r"\mathrm{sparse\_plus}(x) = \begin{cases} 0 & x \le -1\\ \frac14(x+1)^2 & -1 < x < 1\\ "
            r"x & x \ge 1\end{cases}",
    derivative_formula=r"\mathrm{sparse\_plus}'(x) = \begin{cases} 0 & x \le -1\\ \frac12(x+1) & -1 < x < 1\\ "
                       r"1 & x \ge 1\end{cases}",
    second_derivative_formula=r"\mathrm{sparse\_plus}''(x) = \begin{cases} \frac12 & -1 < x < 1\\ "
                              r"0 & \text{otherwise}\end{cases}",
    description="A piecewise-quadratic softplus: exactly 0 below -1, exactly the identity above 1, smoothly "
                "joined in between (its derivative is sparse_sigmoid).",
    pros=("sparse: exact zeros for x <= -1", "continuously differentiable (C1), convex and monotonic",
          "cheap: no exp or log"),
    cons=("zero gradient for x <= -1 (dying units, as relu)", "not zero-centred",
          "second derivative jumps at +-1"),
    family="rectifier", year=2020,
    reference="Blondel, Martins & Niculae, Learning with Fenchel-Young losses, JMLR 2020",
    output_range=(0.0, math.inf), monotonic=True, smoothness="C1", zero_centred=False,
    saturating=("-inf",), f0=0.25, fprime0=0.5, limits=(0.0, math.inf),
    kinks=(Kink(-1.0, 0.0, "sparse_plus'(-1) = 0 (continuous; f'' jumps)"),
           Kink(1.0, 1.0, "sparse_plus'(1) = 1 (continuous; f'' jumps)")),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x: _mp(mp, x, 0),
    mp_derivative=lambda mp, x: _mp(mp, x, 1),
    mp_second_derivative=lambda mp, x: _mp(mp, x, 2),
))
