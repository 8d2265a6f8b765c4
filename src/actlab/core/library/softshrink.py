r"""Soft shrinkage (soft thresholding).

.. math::
    \mathrm{softshrink}_\lambda(x) = \begin{cases} x - \lambda & x > \lambda \\ 0 & |x| \le \lambda \\
    x + \lambda & x < -\lambda \end{cases} = x - \operatorname{clip}(x, -\lambda, \lambda)

.. math::
    \mathrm{softshrink}_\lambda'(x) = [\,|x| > \lambda\,], \qquad \mathrm{softshrink}_\lambda''(x) = 0

Numerics: evaluated as :math:`x - \operatorname{clip}(x, -\lambda, \lambda)`, a single subtraction in
the working precision, so :math:`x \mp \lambda` is correctly rounded (up to the final rounding to the
caller's dtype); inside the dead zone it is :math:`x - x = +0` exactly.  NaN propagates through
``clip``; :math:`\pm\infty` minus a finite :math:`\lambda` is :math:`\pm\infty` without a warning.

Kinks at :math:`\pm\lambda` (for :math:`\lambda > 0`): :math:`f` is continuous, :math:`f'` jumps from 0
to 1.  Convention (PyTorch's ``softshrink_backward``: the gradient passes where :math:`x > \lambda` or
:math:`x < -\lambda`): :math:`f'(\pm\lambda) = 0`.  :math:`\lambda` is used at full (double)
precision, in the mpmath reference too; PyTorch first rounds it to the tensor's dtype, so for a
:math:`\lambda` not representable there (0.1 in float32) the two differ at the float neighbours of
:math:`\lambda` (here those lie outside the dead zone when they are outside mathematically).
For :math:`\lambda = 0` the function is the identity with the isolated value :math:`f'(0) = 0` (same
rule); it has no kink then.

Reference: Donoho, De-noising by soft-thresholding, IEEE Transactions on Information Theory 1995
(the proximal operator of :math:`\lambda|x|`, the shrinkage step of ISTA and LISTA).
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param


def softshrink(x, lambd=0.5):
    r""":math:`x - \operatorname{clip}(x, -\lambda, \lambda)`."""
    return x - np.clip(x, -lambd, lambd)


def softshrink_derivative(x, lambd=0.5):
    r""":math:`[\,|x| > \lambda\,]` (0 at the kinks :math:`\pm\lambda`); NaN stays NaN."""
    return np.where(np.isnan(x), x, (np.abs(x) > lambd).astype(x.dtype))


def softshrink_second_derivative(x, lambd=0.5):
    r""":math:`0`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


def shrink_kinks(p):
    """Kinks at :math:`\\pm\\lambda` with derivative 0 there (none for :math:`\\lambda = 0`)."""
    lam = p["lambd"]
    if lam == 0:
        return ()
    note = "f'(+-lambd) = 0: PyTorch passes the gradient only where |x| > lambd"
    return (Kink(-lam, 0.0, note), Kink(lam, 0.0, note))


def _mp_softshrink(mp, x, lambd, order):
    if order == 2:
        return mp.mpf(0)
    if abs(x) <= lambd:
        return mp.mpf(0)
    if order == 1:
        return mp.mpf(1)
    return x - lambd if x > 0 else x + lambd


register(ActivationSpec(
    single_rounding=True,
    name="softshrink", class_name="Softshrink", aliases=("soft_shrink", "soft_threshold"),
    params=(Param("lambd", 0.5, "half-width lambda of the dead zone [-lambda, lambda]", low=0.0),),
    fn=softshrink, derivative=softshrink_derivative, second_derivative=softshrink_second_derivative,
    formula=r"\mathrm{softshrink}_\lambda(x) = \begin{cases} x-\lambda & x > \lambda\\ 0 & |x| \le \lambda"
            r"\\ x+\lambda & x < -\lambda\end{cases}",
    derivative_formula=r"\mathrm{softshrink}_\lambda'(x) = \begin{cases} 1 & |x| > \lambda\\ 0 & |x| \le "
                       r"\lambda\end{cases}",
    second_derivative_formula=r"\mathrm{softshrink}_\lambda''(x) = 0",
    description="Zeroes the dead zone [-lambda, lambda] and shifts everything else towards 0 by lambda: "
                "the soft-thresholding (proximal L1) operator.",
    pros=("produces exact zeros: sparse activations", "continuous, unlike hard shrinkage",
          "the proximal step of L1-regularised sparse coding (ISTA/LISTA)"),
    cons=("no gradient inside the dead zone", "biases large values towards 0 by lambda",
          "not differentiable at +-lambda"),
    family="shrink", year=1995,
    reference="Donoho, De-noising by soft-thresholding, IEEE Transactions on Information Theory 41(3), 1995",
    output_range=(-float("inf"), float("inf")), monotonic=True,
    smoothness=lambda p: "C0" if p["lambd"] > 0 else "Cinf",
    zero_centred=True, saturating=(), f0=0.0, fprime0=0.0,
    limits=(-float("inf"), float("inf")), kinks=shrink_kinks, init=Init("glorot", 1.0),
    mp_fn=lambda mp, x, lambd: _mp_softshrink(mp, x, lambd, 0),
    mp_derivative=lambda mp, x, lambd: _mp_softshrink(mp, x, lambd, 1),
    mp_second_derivative=lambda mp, x, lambd: _mp_softshrink(mp, x, lambd, 2),
    sample_params=lambda rng: {"lambd": float(rng.choice([0.0, 0.25, 1.0, 2.5]))},
))
