r"""Hard hyperbolic tangent: the identity clipped to ``[min_val, max_val]``.

.. math::
    \mathrm{hardtanh}(x) = \min(\max(x, a), b) \qquad (a = \texttt{min\_val} = -1,\ b = \texttt{max\_val} = 1)

.. math::
    \mathrm{hardtanh}'(x) = \begin{cases} 1 & a < x < b \\ 0 & \text{otherwise} \end{cases}, \qquad
    \mathrm{hardtanh}''(x) = 0

Exact (a clamp; NaN propagates).  Requires ``min_val < max_val`` (PyTorch asserts the same).
``hardtanh(x, 0, 6)`` is ``relu6``; the kernels are shared with it in ``_piecewise_linear``.

Kinks at ``min_val`` and ``max_val``: ``hardtanh'(min_val) = hardtanh'(max_val) = 0`` (PyTorch's
convention: derivative 1 only on the open interval).

Reference: Collobert, Large scale machine learning, PhD thesis, Université Paris VI, 2004.
"""

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param
from ._piecewise_linear import clip, clip_derivative, clip_is_zero_centred, mp_clip, pick, zero


def hardtanh(x, min_val=-1.0, max_val=1.0):
    r""":math:`\min(\max(x, a), b)`."""
    return clip(x, min_val, max_val)


def hardtanh_derivative(x, min_val=-1.0, max_val=1.0):
    r""":math:`1` on :math:`(a, b)`, else :math:`0` (0 at both kinks)."""
    return clip_derivative(x, min_val, max_val)


def hardtanh_second_derivative(x, min_val=-1.0, max_val=1.0):
    r""":math:`0`."""
    return zero(x)


def _check(p):
    if not p["min_val"] < p["max_val"]:
        raise ValueError(f"hardtanh: min_val must be less than max_val; got min_val={p['min_val']!r}, "
                         f"max_val={p['max_val']!r}")


def _fprime0(p):
    a, b = p["min_val"], p["max_val"]
    if a == 0 or b == 0:
        return None          # 0 is a kink
    return 1.0 if a < 0 < b else 0.0


register(ActivationSpec(
    single_rounding=True,
    name="hardtanh", class_name="Hardtanh", aliases=("hard_tanh",),
    params=(Param("min_val", -1.0, "lower clipping value a"), Param("max_val", 1.0, "upper clipping value b")),
    check_params=_check,
    fn=hardtanh, derivative=hardtanh_derivative, second_derivative=hardtanh_second_derivative,
    formula=r"\mathrm{hardtanh}(x) = \min(\max(x, a), b)",
    derivative_formula=r"\mathrm{hardtanh}'(x) = \begin{cases} 1 & a < x < b\\ 0 & \text{otherwise}\end{cases}",
    second_derivative_formula=r"\mathrm{hardtanh}''(x) = 0",
    description="Piecewise-linear tanh: the identity between min_val and max_val, constant outside.",
    pros=("cheap approximation of tanh", "zero-centred with the default symmetric range",
          "exact gradient 1 in the linear region"),
    cons=("zero gradient outside [min_val, max_val]: saturated units stop learning",
          "not differentiable at the clipping points"),
    family="sigmoid-like", year=2004,
    reference="Collobert, Large scale machine learning, PhD thesis, Université Paris VI 2004",
    output_range=lambda p: (p["min_val"], p["max_val"]), monotonic=True, smoothness="C0",
    zero_centred=lambda p: clip_is_zero_centred(p["min_val"], p["max_val"]),
    saturating=("-inf", "+inf"), f0=lambda p: min(max(0.0, p["min_val"]), p["max_val"]),
    fprime0=_fprime0, limits=lambda p: (p["min_val"], p["max_val"]),
    kinks=lambda p: (Kink(p["min_val"], 0.0, "hardtanh'(min_val) = 0 as in PyTorch"),
                     Kink(p["max_val"], 0.0, "hardtanh'(max_val) = 0 as in PyTorch")),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x, min_val, max_val: mp_clip(mp, x, min_val, max_val, 0),
    mp_derivative=lambda mp, x, min_val, max_val: mp_clip(mp, x, min_val, max_val, 1),
    mp_second_derivative=lambda mp, x, min_val, max_val: mp_clip(mp, x, min_val, max_val, 2),
    sample_params=lambda rng: pick(rng, [{"min_val": 0.5, "max_val": 2.0}, {"min_val": -2.0, "max_val": 3.0},
                                         {"min_val": 0.0, "max_val": 6.0}]),
))
