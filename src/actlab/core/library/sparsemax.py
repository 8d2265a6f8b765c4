r"""Sparsemax along an axis: the Euclidean projection of ``x`` onto the probability simplex.

.. math::
    \mathrm{sparsemax}(x) = \operatorname*{argmin}_{p \in \Delta} \lVert p - x \rVert^2
    = \max(x - \tau, 0), \qquad \tau = \frac{\sum_{j \in S} x_j - 1}{|S|}, \qquad
    \big(g^\top J\big)_i = \begin{cases} g_i - \frac{1}{|S|}\sum_{j \in S} g_j & i \in S \\
    0 & i \notin S \end{cases}

The support ``S`` = the ``k`` largest entries, ``k = max{k : 1 + k z_(k) > z_(1) + ... + z_(k)}``
with ``z`` sorted in decreasing order.  Numerical notes: the row is first shifted by its maximum
(sparsemax is shift-invariant, and the shared :func:`.softmax.shifted` also gives the non-finite
conventions below), so ``z <= 0`` with ``z_(1) = 0`` and nothing overflows; then
``p_i = max(k z_i - (sum_S z - 1), 0) / k``.  Entries at the edge of the support (``z_i`` close to
``tau``) come from a cancellation; written this way, ``k z_i`` (``k`` small) and the sum over the
support are exact in the working precision for ordinary rows (11 or 29 spare bits), so the
cancellation is exact and only the division rounds.  Where the sum itself rounds (entries of very
different magnitudes) the error is absolute, about ``sum_S |z_j|`` working-precision ulps (the bound
asserted in ``tests/test_vector_accuracy.py``).
Ties are harmless: equal entries are all in the support or all out of it.

Conventions for non-finite rows (the limits of finite rows, as for softmax):

* ``-inf`` entries get 0 (they are never in the support);
* entries equal to ``+inf`` share the mass equally (``1/k`` for ``k`` of them) and the others get 0;
* a row whose entries are all ``-inf`` gives the uniform ``1/n``, with no warning;
* a row containing NaN is all NaN.

Sparsemax is continuous and piecewise linear (C0): its Jacobian jumps when an entry enters or leaves
the support; the VJP uses the support of the computed output (``p_i > 0``).

Reference: Martins & Astudillo, From softmax to sparsemax: a sparse model of attention and multi-label
classification, ICML 2016.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init
from .softmax import shifted


def _threshold(z):
    """``(sum_S z - 1, |S|)`` along the last axis of a shifted ``z`` (``z <= 0``, max 0; ``-inf``
    allowed, no NaN): ``tau`` is their ratio."""
    n = z.shape[-1]
    zs = -np.sort(-z, axis=-1)                       # decreasing; -inf last
    finite = zs > -np.inf
    zc = np.where(finite, zs, 0.0)                   # keep -inf out of the cumulative sum
    cs = np.cumsum(zc, axis=-1)
    k = np.arange(1, n + 1)
    support = finite & (1.0 + k * zc > cs)           # true exactly for a prefix (k = 1 always)
    size = np.sum(support, axis=-1, keepdims=True)
    total = np.take_along_axis(cs, np.maximum(size - 1, 0), axis=-1)
    return total - 1.0, np.maximum(size, 1)


def sparsemax(x, axis=-1):
    r""":math:`\max(x - \tau, 0)` with :math:`\tau` the simplex threshold."""
    if x.shape[axis] == 0:
        return x.copy()
    z = np.moveaxis(shifted(x, axis), axis, -1)
    nan_row = np.isnan(z).any(axis=-1, keepdims=True)
    z = np.where(nan_row, 0.0, z)                    # NaN rows: compute on zeros, answer NaN below
    num, size = _threshold(z)
    # (k z - (sum_S z - 1)) / k: k z and the sum are exact in the working precision for ordinary rows,
    # so the cancellation at the support edge is exact and only the division rounds
    p = np.maximum(z * size - num, 0.0) / size
    p = np.where(nan_row, np.nan, p)
    return np.moveaxis(p, -1, axis)


def sparsemax_vjp(x, g, axis=-1):
    r""":math:`s \odot (g - \langle s, g\rangle / |S|)`, :math:`s` the indicator of the support."""
    p = sparsemax(x, axis)
    s = (p > 0) | np.isnan(p)
    size = np.sum(s, axis=axis, keepdims=True)
    mean = np.sum(np.where(s, g, 0.0), axis=axis, keepdims=True) / np.maximum(size, 1)
    out = np.where(s, g - mean, 0.0)
    return np.where(np.isnan(p), np.nan, out)


def _mp_sparsemax(mp, xs):
    zs = sorted((v for v in xs if v != mp.ninf), reverse=True)
    if not zs:
        return [mp.mpf(1) / len(xs)] * len(xs)
    if zs[0] == mp.inf:
        k = sum(1 for v in xs if v == mp.inf)
        return [mp.mpf(1) / k if v == mp.inf else mp.mpf(0) for v in xs]
    top = zs[0]
    zs = [v - top for v in zs]           # shift so that 1 + k z_(k) is not absorbed by a huge z
    total, tau = mp.mpf(0), None
    for k, v in enumerate(zs, 1):
        total += v
        if 1 + k * v > total:
            tau = (total - 1) / k
    return [max((v - top) - tau, mp.mpf(0)) if v != mp.ninf else mp.mpf(0) for v in xs]


register(ActivationSpec(
    name="sparsemax", class_name="Sparsemax", aliases=(),
    kind="vector", fn=sparsemax, vjp=sparsemax_vjp,
    formula=r"\mathrm{sparsemax}(x) = \operatorname*{argmin}_{p \in \Delta^{n-1}} \lVert p - x \rVert_2^2 "
            r"= [x - \tau(x)]_+",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = s_i\Big(\delta_{ij} - \frac{s_j}{|S|}\Big), "
                       r"\quad s = [\,y > 0\,]",
    description="Like softmax, a map from scores to a probability distribution, but a projection onto "
                "the simplex: low scores get exactly zero probability.",
    pros=("sparse outputs: interpretable attention, multi-label friendly",
          "cheap Jacobian: the centred cotangent on the support"),
    cons=("not smooth (C0): the Jacobian jumps as entries enter or leave the support",
          "zero gradient for entries outside the support", "needs a sort (O(n log n))"),
    family="vector", year=2016,
    reference="Martins & Astudillo, From softmax to sparsemax: a sparse model of attention and "
              "multi-label classification, ICML 2016",
    output_range=(0.0, 1.0), monotonic=False, smoothness="C0", zero_centred=False,
    f0=None, limits=(0.0, 1.0), init=Init("glorot", 1.0),
    mp_fn=_mp_sparsemax,
))
