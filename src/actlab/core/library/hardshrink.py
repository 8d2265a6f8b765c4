r"""Hard shrinkage (hard thresholding).

.. math::
    \mathrm{hardshrink}_\lambda(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases},
    \qquad \mathrm{hardshrink}_\lambda'(x) = [\,|x| > \lambda\,], \qquad
    \mathrm{hardshrink}_\lambda''(x) = 0

Numerics: a comparison and a selection, exact in every dtype.  The test is written
:math:`|x| \le \lambda \Rightarrow 0`, so a NaN input (every comparison false) falls through to ``x``.

Discontinuous at :math:`\pm\lambda` (for :math:`\lambda > 0`): :math:`f` jumps between 0 and
:math:`\pm\lambda`.  Conventions (PyTorch's ``hardshrink`` and ``hardshrink_backward``, both with the
closed zone :math:`-\lambda \le x \le \lambda`): :math:`f(\pm\lambda) = 0` and :math:`f'(\pm\lambda) = 0`.
:math:`\lambda` is used at full (double) precision, as in the mpmath reference; PyTorch first rounds it to
the tensor's dtype, so for a :math:`\lambda` not representable there (0.1 in float32) the two differ at
the float neighbours of :math:`\lambda` (here they are outside the zone when mathematically outside).
For :math:`\lambda = 0` it is the identity with the isolated value :math:`f'(0) = 0`; no kink then.

Reference: Donoho & Johnstone, Ideal spatial adaptation by wavelet shrinkage, Biometrika 1994 (hard
and soft thresholding).
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Param
from .softshrink import shrink_kinks


def hardshrink(x, lambd=0.5):
    r""":math:`x` where :math:`|x| > \lambda`, else :math:`0`."""
    return np.where(np.abs(x) <= lambd, 0.0, x)


def hardshrink_derivative(x, lambd=0.5):
    r""":math:`[\,|x| > \lambda\,]` (0 at the discontinuities); NaN stays NaN."""
    return np.where(np.isnan(x), x, (np.abs(x) > lambd).astype(x.dtype))


def hardshrink_second_derivative(x, lambd=0.5):
    r""":math:`0`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


def _mp_hardshrink(mp, x, lambd, order):
    if order == 2 or abs(x) <= lambd:
        return mp.mpf(0)
    return x if order == 0 else mp.mpf(1)


register(ActivationSpec(
    single_rounding=True,
    name="hardshrink", class_name="Hardshrink", aliases=("hard_shrink", "hard_threshold"),
    params=(Param("lambd", 0.5, "half-width lambda of the dead zone [-lambda, lambda]", low=0.0),),
    fn=hardshrink, derivative=hardshrink_derivative, second_derivative=hardshrink_second_derivative,
    formula=r"\mathrm{hardshrink}_\lambda(x) = \begin{cases} x & |x| > \lambda\\ 0 & |x| \le \lambda"
            r"\end{cases}",
    derivative_formula=r"\mathrm{hardshrink}_\lambda'(x) = \begin{cases} 1 & |x| > \lambda\\ 0 & |x| \le "
                       r"\lambda\end{cases}",
    second_derivative_formula=r"\mathrm{hardshrink}_\lambda''(x) = 0",
    description="Zeroes the dead zone [-lambda, lambda] and passes everything else unchanged: the "
                "hard-thresholding operator.",
    pros=("produces exact zeros: sparse activations", "unbiased for large inputs (identity there)",
          "cheap: one comparison"),
    cons=("discontinuous at +-lambda", "no gradient inside the dead zone",
          "small changes of the input near +-lambda flip the output by lambda"),
    family="shrink", year=1994,
    reference="Donoho & Johnstone, Ideal spatial adaptation by wavelet shrinkage, Biometrika 81(3), 1994",
    output_range=(-float("inf"), float("inf")), monotonic=True,
    smoothness=lambda p: "discontinuous" if p["lambd"] > 0 else "Cinf",
    zero_centred=True, saturating=(), f0=0.0, fprime0=0.0,
    limits=(-float("inf"), float("inf")), kinks=shrink_kinks, init=Init("glorot", 1.0),
    mp_fn=lambda mp, x, lambd: _mp_hardshrink(mp, x, lambd, 0),
    mp_derivative=lambda mp, x, lambd: _mp_hardshrink(mp, x, lambd, 1),
    mp_second_derivative=lambda mp, x, lambd: _mp_hardshrink(mp, x, lambd, 2),
    sample_params=lambda rng: {"lambd": float(rng.choice([0.0, 0.25, 1.0, 2.5]))},
))
