r"""Softsign.

.. math::
    \mathrm{softsign}(x) = \frac{x}{1 + |x|}, \qquad
    \mathrm{softsign}'(x) = \frac{1}{(1 + |x|)^2}, \qquad
    \mathrm{softsign}''(x) = -\frac{2\,\operatorname{sign}(x)}{(1 + |x|)^3}

Numerics: the quotient is evaluated in the working precision (one rounding for ``1 + |x|``, one for the
division), so the result is correctly rounded almost everywhere.  At :math:`\pm\infty` the quotient is
:math:`\infty/\infty` (NaN in PyTorch and JAX); the argument is replaced and the limit :math:`\pm 1`
returned.  The derivatives use :math:`r = 1/(1+|x|)` and :math:`r^2`, :math:`r^3`: they cannot overflow
(:math:`(1+|x|)^2` would for :math:`|x| > 10^{154}` in float64) and underflow to 0 exactly where the
true value does.

Kink: :math:`f` and :math:`f'` are continuous but :math:`f''` jumps from :math:`+2` to :math:`-2` at 0,
so softsign is :math:`C^1`; :math:`f'(0) = 1` and :math:`f''(0) = 0` (the mean of the one-sided values,
``sign(0) = 0``).

Reference: Turian, Bergstra & Bengio, Quadratic features and deep architectures for chunking, NAACL HLT
2009 (introduced as "softsign"); studied by Glorot & Bengio, Understanding the difficulty of training
deep feedforward neural networks, AISTATS 2010.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def _recip(x):
    """:math:`1/(1+|x|)` (0 at :math:`\\pm\\infty`, no warning)."""
    return 1.0 / (1.0 + np.abs(x))


def softsign(x):
    r""":math:`x/(1+|x|)`, with :math:`\pm 1` at :math:`\pm\infty`."""
    inf = np.isinf(x)
    xs = np.where(inf, 0.0, x)      # inf/inf is NaN: guard the argument
    return np.where(inf, np.sign(x), xs * _recip(xs))


def softsign_derivative(x):
    r""":math:`1/(1+|x|)^2`."""
    r = _recip(x)
    return r * r


def softsign_second_derivative(x):
    r""":math:`-2\,\operatorname{sign}(x)/(1+|x|)^3` (0 at the kink :math:`x = 0`)."""
    r = _recip(x)
    return -2.0 * np.sign(x) * (r * r * r)


register(ActivationSpec(
    name="softsign", class_name="Softsign", aliases=("soft_sign",),
    fn=softsign, derivative=softsign_derivative, second_derivative=softsign_second_derivative,
    formula=r"\mathrm{softsign}(x) = \frac{x}{1+|x|}",
    derivative_formula=r"\mathrm{softsign}'(x) = \frac{1}{(1+|x|)^2}",
    second_derivative_formula=r"\mathrm{softsign}''(x) = -\frac{2\,\operatorname{sign}(x)}{(1+|x|)^3}",
    description="A tanh-like squashing function into (-1, 1) that approaches its asymptotes polynomially "
                "instead of exponentially.",
    pros=("zero-centred, bounded output in (-1, 1)", "saturates more gently than tanh: gradient decays like "
          "1/x^2, not exponentially", "no exponential: cheap"),
    cons=("still saturates for large |x|", "second derivative jumps at 0 (C1 only)",
          "slower convergence to +-1 makes outputs less binary"),
    family="sigmoid-like", year=2009,
    reference="Turian, Bergstra & Bengio, Quadratic features and deep architectures for chunking, "
              "NAACL HLT 2009; Glorot & Bengio, Understanding the difficulty of training deep feedforward "
              "neural networks, AISTATS 2010",
    output_range=(-1.0, 1.0), monotonic=True, smoothness="C1", zero_centred=True,
    saturating=("-inf", "+inf"), f0=0.0, fprime0=1.0, limits=(-1.0, 1.0),
    kinks=(Kink(0.0, 1.0, "f and f' are continuous at 0 (f'(0) = 1); only f'' jumps, from 2 to -2"),),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: x / (1 + abs(x)),
    mp_derivative=lambda mp, x: 1 / (1 + abs(x)) ** 2,
    mp_second_derivative=lambda mp, x: -2 * mp.sign(x) / (1 + abs(x)) ** 3,
))
