r"""Statistics for comparing cross-validated models honestly.

Scores of different activations on the *same* folds are paired.  Fold scores are not independent (training sets
overlap), so the naive paired t-test is overconfident; we use the **Nadeau–Bengio corrected resampled t-test**
(Nadeau & Bengio, *Inference for the generalization error*, Machine Learning 2003; Bouckaert & Frank 2004):

.. math::
    t = \frac{\bar d}{\sqrt{\left(\frac{1}{J} + \frac{n_2}{n_1}\right)\hat\sigma_d^2}}, \qquad \nu = J - 1

where :math:`d_j` are the paired differences over the :math:`J = k \cdot r` fold results, :math:`n_1, n_2` the
training and test sizes.  Confidence intervals for one model's mean use the same corrected variance.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps


def corrected_variance_factor(n_results: int, n_train: float, n_test: float) -> float:
    """:math:`1/J + n_2/n_1`, the Nadeau–Bengio correction of the variance of a mean over CV results."""
    return 1.0 / n_results + n_test / n_train


def mean_ci(scores, n_train: float, n_test: float, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the corrected-t confidence interval ``(mean, low, high)`` of CV scores."""
    s = np.asarray(scores, dtype=np.float64)
    m = float(s.mean())
    if s.size < 2:
        return m, math.nan, math.nan
    var = float(s.var(ddof=1)) * corrected_variance_factor(s.size, n_train, n_test)
    half = float(sps.t.ppf(0.5 + confidence / 2, s.size - 1)) * math.sqrt(var)
    return m, m - half, m + half


def corrected_paired_ttest(a, b, n_train: float, n_test: float) -> tuple[float, float]:
    """Two-sided Nadeau–Bengio test of ``mean(a - b) = 0`` for paired CV scores: ``(t, p)``.

    Identical score vectors give ``(0, 1)``; a constant non-zero difference gives ``(±inf, 0)``.
    """
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if d.size < 2:
        return math.nan, math.nan
    mean = float(d.mean())
    var = float(d.var(ddof=1)) * corrected_variance_factor(d.size, n_train, n_test)
    if var == 0.0:
        return (0.0, 1.0) if mean == 0.0 else (math.copysign(math.inf, mean), 0.0)
    t = mean / math.sqrt(var)
    p = 2.0 * float(sps.t.sf(abs(t), d.size - 1))
    return t, p


def holm(pvalues) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (family-wise error control for the comparisons with the best)."""
    p = np.asarray(pvalues, dtype=np.float64)
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    m = len(p)
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted
