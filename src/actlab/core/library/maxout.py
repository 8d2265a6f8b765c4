r"""Maxout: the maximum over groups of ``pieces`` consecutive entries along an axis.

.. math::
    \mathrm{maxout}(x)_i = \max_{0 \le r < k} x_{ik + r}, \qquad
    \big(g^\top J\big)_{ik + r} = \begin{cases} g_i & r = \operatorname{argmax}_{r'} x_{ik + r'} \\
    0 & \text{otherwise} \end{cases}

with ``k = pieces``.  The size ``n`` along the axis must be a multiple of ``pieces`` (else
``ValueError``); the output has size ``n / pieces``.  In a network the ``k`` learnable linear pieces of
a maxout unit are the preceding ``Dense`` layer with ``k`` times the units: this function is only the
max over each group of its outputs.

Conventions: on ties the cotangent goes to the **first** maximal entry of the group (``np.argmax``;
the max is not differentiable there); a group containing NaN gives NaN, and its cotangent goes to
the first NaN; ``±inf`` entries are ordinary values of the max.  ``pieces=1`` is the identity.  Maxout is
non-decreasing in every input, hence declared monotonic.

Reference: Goodfellow, Warde-Farley, Mirza, Courville & Bengio, Maxout networks, ICML 2013.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Param


def _groups(x, axis, pieces):
    """``x`` with ``axis`` moved last and split into ``(..., n // pieces, pieces)``."""
    n = x.shape[axis]
    if n % pieces:
        raise ValueError(f"maxout: the size {n} along axis {axis} is not divisible by pieces={pieces}")
    moved = np.moveaxis(x, axis, -1)
    return moved.reshape(moved.shape[:-1] + (n // pieces, pieces))


def maxout(x, axis=-1, pieces=2):
    r""":math:`\max_r x_{ik+r}` over groups of ``pieces`` consecutive entries."""
    out = np.max(_groups(x, axis, pieces), axis=-1)
    return np.moveaxis(out, -1, axis)


def maxout_vjp(x, g, axis=-1, pieces=2):
    r"""The cotangent ``g_i`` sent to the (first) argmax of each group, 0 elsewhere."""
    groups = _groups(x, axis, pieces)
    # argmax returns the first maximum, and the first NaN of a group containing NaN
    hit = np.arange(pieces) == np.argmax(groups, axis=-1)[..., None]
    gm = np.moveaxis(g, axis, -1)[..., None]
    out = np.where(hit, gm, 0.0)
    out = out.reshape(out.shape[:-2] + (-1,))
    return np.moveaxis(out, -1, axis)


def _mp_maxout(mp, xs, pieces=2):
    if len(xs) % pieces:
        raise ValueError(f"maxout: size {len(xs)} not divisible by pieces={pieces}")
    return [max(xs[i:i + pieces]) for i in range(0, len(xs), pieces)]


register(ActivationSpec(
    name="maxout", class_name="Maxout", aliases=(),
    kind="vector", fn=maxout, vjp=maxout_vjp,
    params=(Param("pieces", 2, "number of linear pieces (consecutive entries) per output", kind="int", low=1),),
    formula=r"\mathrm{maxout}(x)_i = \max_{0 \le r < k} x_{ik+r}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = [\, j = ik + \operatorname{argmax}_r x_{ik+r} \,]",
    description="Each output is the maximum of k linear pieces (k consecutive outputs of the preceding "
                "layer): a learned piecewise-linear convex activation.",
    pros=("generalises ReLU and leaky ReLU (ReLU = maxout of x and 0)", "never saturates, no dead units",
          "works well with dropout"),
    cons=("k times the parameters of the preceding layer", "not smooth (C0)", "not elementwise"),
    family="vector", year=2013,
    reference="Goodfellow, Warde-Farley, Mirza, Courville & Bengio, Maxout networks, ICML 2013",
    output_range=(-np.inf, np.inf), monotonic=True, smoothness="C0", zero_centred=False,
    f0=0.0, limits=(-np.inf, np.inf), init=Init("he", 2.0 ** 0.5),
    mp_fn=_mp_maxout,
    sample_params=lambda rng: {"pieces": int(rng.choice([3, 4]))},
))
