r"""Threshold: pass values above a threshold, replace the rest by a constant.

.. math::
    \mathrm{threshold}(x) = \begin{cases} x & x > t \\ v & x \le t \end{cases}
    \qquad (t = \texttt{threshold} = 0,\ v = \texttt{value} = 0)

.. math::
    \mathrm{threshold}'(x) = \begin{cases} 1 & x > t \\ 0 & x \le t \end{cases}, \qquad
    \mathrm{threshold}''(x) = 0

Exact (a selection; NaN propagates).  PyTorch's ``nn.Threshold(threshold, value)`` has no defaults;
here both default to 0, which makes it exactly ``relu`` (derivatives and ``threshold'(0) = 0``
included).  Keras' ``ThresholdedReLU(theta)`` is ``threshold(theta, 0)``.

Kink at ``t``: ``threshold'(t) = 0`` (PyTorch's convention: the constant branch includes ``t``).
The function jumps there (it is discontinuous) unless ``value == threshold``, and it is monotonic only
for ``value <= threshold``.

Reference: Konda, Memisevic & Krueger, Zero-bias autoencoders and the benefits of co-adapting features,
ICLR 2015 (the thresholded linear unit); PyTorch ``torch.nn.Threshold``.
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param
from ._piecewise_linear import normal_cdf, normal_pdf, pick, zero


def threshold(x, threshold=0.0, value=0.0):
    r""":math:`x` for :math:`x > t`, else :math:`v`; NaN stays NaN."""
    out = np.where(x > threshold, x, value).astype(x.dtype, copy=False)
    return np.where(np.isnan(x), x, out)


def threshold_derivative(x, threshold=0.0, value=0.0):
    r""":math:`1` for :math:`x > t`, else :math:`0` (``threshold'(t) = 0``); NaN stays NaN."""
    return np.where(np.isnan(x), x, (x > threshold).astype(x.dtype))


def threshold_second_derivative(x, threshold=0.0, value=0.0):
    r""":math:`0`."""
    return zero(x)


def _zero_centred(p):
    # z ~ N(0,1): E f = v Phi(t) + phi(t);  E f^2 = v^2 Phi(t) + 1 - Phi(t) + t phi(t)
    t, v = p["threshold"], p["value"]
    cdf, pdf = normal_cdf(t), normal_pdf(t)
    mean = v * cdf + pdf
    second = v * v * cdf + (1.0 - cdf) + t * pdf
    return abs(mean) <= 0.01 * math.sqrt(max(second, 0.0))


def _fprime0(p):
    t = p["threshold"]
    return None if t == 0 else (1.0 if t < 0 else 0.0)


def _mp(mp, x, threshold, value, order):
    if order == 2:
        return mp.mpf(0)
    if order == 1:
        return mp.mpf(1) if x > threshold else mp.mpf(0)
    return x if x > threshold else mp.mpf(value)


register(ActivationSpec(
    single_rounding=True,
    name="threshold", class_name="Threshold",
    params=(Param("threshold", 0.0, "threshold t: inputs x <= t are replaced"),
            Param("value", 0.0, "value v that replaces inputs x <= t")),
    fn=threshold, derivative=threshold_derivative, second_derivative=threshold_second_derivative,
    formula=r"\mathrm{threshold}(x) = \begin{cases} x & x > t\\ v & x \le t\end{cases}",
    derivative_formula=r"\mathrm{threshold}'(x) = \begin{cases} 1 & x > t\\ 0 & x \le t\end{cases}",
    second_derivative_formula=r"\mathrm{threshold}''(x) = 0",
    description="Identity above a threshold, a constant at and below it (relu with the defaults).",
    pros=("generalises relu: the cut-off and the replacement value are chosen", "cheap",
          "sparse activations"),
    cons=("discontinuous when value != threshold", "zero gradient below the threshold (dying units)",
          "PyTorch has no default parameters: both must be chosen"),
    family="rectifier", year=2015,
    reference="Konda, Memisevic & Krueger, Zero-bias autoencoders and the benefits of co-adapting features, "
              "ICLR 2015",
    output_range=lambda p: (min(p["value"], p["threshold"]), math.inf),
    monotonic=lambda p: p["value"] <= p["threshold"],
    smoothness=lambda p: "C0" if p["value"] == p["threshold"] else "discontinuous",
    zero_centred=_zero_centred, saturating=("-inf",),
    f0=lambda p: 0.0 if p["threshold"] < 0 else p["value"], fprime0=_fprime0,
    limits=lambda p: (p["value"], math.inf),
    kinks=lambda p: (Kink(p["threshold"], 0.0, "threshold'(t) = 0 (constant branch includes t), "
                                                "as in PyTorch"),),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x, threshold, value: _mp(mp, x, threshold, value, 0),
    mp_derivative=lambda mp, x, threshold, value: _mp(mp, x, threshold, value, 1),
    mp_second_derivative=lambda mp, x, threshold, value: _mp(mp, x, threshold, value, 2),
    sample_params=lambda rng: pick(rng, [{"threshold": 1.0, "value": -1.0}, {"threshold": -0.5, "value": 2.0},
                                         {"threshold": 0.5, "value": 0.5}]),
))
