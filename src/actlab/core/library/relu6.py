r"""ReLU capped at 6.

.. math::
    \mathrm{relu6}(x) = \min(\max(x, 0), 6), \qquad
    \mathrm{relu6}'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}, \qquad
    \mathrm{relu6}''(x) = 0

Exact (a clamp).  It equals ``hardtanh(x, min_val=0, max_val=6)``; the kernels are shared with
``hardtanh`` in ``_piecewise_linear``.  The cap keeps activations in a range that low-precision
(fixed-point, float16) inference represents well, which is why MobileNet uses it.

Kinks at 0 and 6: ``relu6'(0) = relu6'(6) = 0`` (PyTorch's convention: derivative 1 only on the open
interval).  NaN propagates.

Reference: Krizhevsky, Convolutional deep belief networks on CIFAR-10, technical report 2010.
"""
from ..registry import register
from ..spec import ActivationSpec, Init, Kink
from ._piecewise_linear import clip, clip_derivative, mp_clip, zero


def relu6(x):
    r""":math:`\min(\max(x, 0), 6)`."""
    return clip(x, 0.0, 6.0)


def relu6_derivative(x):
    r""":math:`1` on :math:`(0, 6)`, else :math:`0` (0 at both kinks)."""
    return clip_derivative(x, 0.0, 6.0)


def relu6_second_derivative(x):
    r""":math:`0`."""
    return zero(x)


register(ActivationSpec(
    single_rounding=True, exact=True,
    name="relu6", class_name="ReLU6", aliases=("relu_6",),
    fn=relu6, derivative=relu6_derivative, second_derivative=relu6_second_derivative,
    formula=r"\mathrm{relu6}(x) = \min(\max(x, 0), 6)",
    derivative_formula=r"\mathrm{relu6}'(x) = \begin{cases} 1 & 0 < x < 6\\ 0 & \text{otherwise}\end{cases}",
    second_derivative_formula=r"\mathrm{relu6}''(x) = 0",
    description="ReLU clipped at 6: bounded output, used in mobile networks (MobileNet) for quantisation.",
    pros=("bounded output suits low-precision and quantised inference", "cheap",
          "encourages sparse features early in training"),
    cons=("saturates for x > 6: zero gradient there", "dying units for x < 0", "not zero-centred",
          "the cap 6 is arbitrary"),
    family="rectifier", year=2010,
    reference="Krizhevsky, Convolutional deep belief networks on CIFAR-10, technical report, University of "
              "Toronto 2010",
    output_range=(0.0, 6.0), monotonic=True, smoothness="C0", zero_centred=False,
    saturating=("-inf", "+inf"), f0=0.0, fprime0=None, limits=(0.0, 6.0),
    kinks=(Kink(0.0, 0.0, "relu6'(0) = 0 as in PyTorch"), Kink(6.0, 0.0, "relu6'(6) = 0 as in PyTorch")),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x: mp_clip(mp, x, 0.0, 6.0, 0),
    mp_derivative=lambda mp, x: mp_clip(mp, x, 0.0, 6.0, 1),
    mp_second_derivative=lambda mp, x: mp_clip(mp, x, 0.0, 6.0, 2),
))
