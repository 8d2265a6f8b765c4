r"""Sinusoid (SIREN's periodic activation).

.. math::
    \mathrm{sinusoid}(x) = \sin(x), \qquad \mathrm{sinusoid}'(x) = \cos(x), \qquad
    \mathrm{sinusoid}''(x) = -\sin(x)

Numerics: ``np.sin``/``np.cos`` in the working precision reduce their argument exactly (Payne-Hanek),
so the values keep full relative accuracy even next to the zeros :math:`k\pi` and at :math:`10^{300}`.
:math:`\pm\infty` has no limit: the result is NaN there (the argument is replaced first, so no
invalid-operation warning), which is also what the metadata declares as the "limits".

Smooth, odd (zero-centred), bounded in :math:`[-1, 1]`, periodic, not monotonic.  SIREN scales the
input by :math:`\omega_0 = 30` in the first layer; here that is part of the preceding linear layer.

Reference: Sitzmann, Martel, Bergman, Lindell & Wetzstein, Implicit neural representations with
periodic activation functions, NeurIPS 2020.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init


def _periodic(func, x):
    """``func(x)`` with NaN (no warning) at :math:`\\pm\\infty`."""
    inf = np.isinf(x)
    return np.where(inf, np.nan, func(np.where(inf, 0.0, x)))


def sinusoid(x):
    r""":math:`\sin x`."""
    return _periodic(np.sin, x)


def sinusoid_derivative(x):
    r""":math:`\cos x`."""
    return _periodic(np.cos, x)


def sinusoid_second_derivative(x):
    r""":math:`-\sin x`."""
    return -_periodic(np.sin, x)


register(ActivationSpec(
    name="sinusoid", class_name="Sinusoid", aliases=("sin", "sine", "siren"),
    fn=sinusoid, derivative=sinusoid_derivative, second_derivative=sinusoid_second_derivative,
    formula=r"\mathrm{sinusoid}(x) = \sin(x)",
    derivative_formula=r"\mathrm{sinusoid}'(x) = \cos(x)",
    second_derivative_formula=r"\mathrm{sinusoid}''(x) = -\sin(x)",
    description="The sine function: a periodic activation that lets networks (SIREN) represent signals "
                "and their derivatives in fine detail.",
    pros=("represents fine detail and high frequencies (implicit neural representations)",
          "every derivative is again a sinusoid: well suited to fitting gradients / PDEs",
          "zero-centred and bounded"),
    cons=("needs SIREN's special initialisation to train", "periodic: many equivalent inputs, "
          "non-monotonic", "no limit at +-inf"),
    family="periodic", year=2020,
    reference="Sitzmann, Martel, Bergman, Lindell & Wetzstein, Implicit neural representations with "
              "periodic activation functions, NeurIPS 2020",
    output_range=(-1.0, 1.0), monotonic=False, smoothness="Cinf", zero_centred=True,
    saturating=(), f0=0.0, fprime0=1.0, limits=(float("nan"), float("nan")), kinks=(),
    init=Init("he", 2 ** 0.5),      # SIREN: W ~ U(-sqrt(6/n), sqrt(6/n)), i.e. variance 2/n
    mp_fn=lambda mp, x: mp.sin(x),
    mp_derivative=lambda mp, x: mp.cos(x),
    mp_second_derivative=lambda mp, x: -mp.sin(x),
))
