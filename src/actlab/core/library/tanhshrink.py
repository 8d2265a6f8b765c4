r"""Tanhshrink.

.. math::
    \mathrm{tanhshrink}(x) = x - \tanh(x), \qquad
    \mathrm{tanhshrink}'(x) = \tanh^2(x), \qquad
    \mathrm{tanhshrink}''(x) = 2\tanh(x)\operatorname{sech}^2(x)

Numerics: :math:`x - \tanh x = x^3/3 - 2x^5/15 + \dots` cancels for small :math:`|x|` (the naive
difference loses all bits below :math:`|x| \approx 10^{-8}` in float64 and returns 0 where the true
value is normal).  For :math:`|x| < 0.35` the odd Taylor series

.. math::
    x - \tanh x = \sum_{n \ge 2} \frac{-2^{2n}(2^{2n}-1) B_{2n}}{(2n)!}\, x^{2n-1}
                = x^3 \sum_{k=0}^{16} a_k\, x^{2k}

is used (coefficients from mpmath, full extended precision; its ratio test gives 4.3 bits per term at
0.35, so 17 terms reach :math:`2^{-66}`).  Beyond 0.35 the subtraction loses at most 5 of the 11 (or 29)
extra bits of the working precision.  The second derivative uses the tail-accurate
:math:`\operatorname{sech}^2 x = 4e^{-2|x|}/(1+e^{-2|x|})^2` (``1 - tanh^2`` is 0 for :math:`|x| > 19`).

Smooth everywhere; odd, so zero-centred; not saturating (:math:`f' \to 1`).

Reference: the ``Tanhshrink`` module of Torch7 (Collobert, Kavukcuoglu & Farabet, Torch7: a Matlab-like
environment for machine learning, BigLearn NIPS Workshop 2011), kept in PyTorch.
"""
import numpy as np

from ..numerics import const, horner, sech2
from ..registry import register
from ..spec import ActivationSpec, Init

_SERIES_LIMIT = 0.35
# a_k: x - tanh x = x^3 * sum a_k x^(2k)
_SERIES = (
    "3.33333333333333333333333e-1", "-1.33333333333333333333333e-1", "5.39682539682539682539683e-2",
    "-2.18694885361552028218695e-2", "8.86323552990219656886324e-3", "-3.59212803657248101692546e-3",
    "1.45583438705131826824949e-3", "-5.90027440945585981378076e-4", "2.39129114243552481485731e-4",
    "-9.69153795692945032559588e-5", "3.92783238833168340533708e-5", "-1.59189050693289647407443e-5",
    "6.45168921565543076319084e-6", "-2.61477115129075455426359e-6", "1.05972683201046543509136e-6",
    "-4.29491107827380585482035e-7", "1.74066189635716477798623e-7",
)
_COEFFS = {}


def _coefficients(x):
    key = x.dtype
    if key not in _COEFFS:
        _COEFFS[key] = [const(c, x) for c in _SERIES]
    return _COEFFS[key]


def tanhshrink(x):
    r""":math:`x - \tanh x` (odd Taylor series for :math:`|x| < 0.35`)."""
    x = np.asarray(x)
    small = np.abs(x) < _SERIES_LIMIT
    xs = np.where(small, x, 0.0)        # the series only sees small arguments (no overflow)
    series = xs * xs * xs * horner(xs * xs, _coefficients(x))
    return np.where(small, series, x - np.tanh(x))


def tanhshrink_derivative(x):
    r""":math:`\tanh^2 x`."""
    t = np.tanh(x)
    return t * t


def tanhshrink_second_derivative(x):
    r""":math:`2\tanh(x)\operatorname{sech}^2(x)`."""
    return 2.0 * np.tanh(x) * sech2(x)


def _mp_tanhshrink(mp, x):
    """Reference with enough extra bits for the cancellation (~ 2 log2(1/|x|) bits are lost), so
    the oracle's precision doubling never sees two equal zeros for a tiny x."""
    if x == 0:
        return mp.mpf(0)
    with mp.extraprec(2 * max(0, -int(mp.mag(x))) + 20):
        return x - mp.tanh(x)


register(ActivationSpec(
    name="tanhshrink", class_name="Tanhshrink", aliases=("tanh_shrink",),
    fn=tanhshrink, derivative=tanhshrink_derivative, second_derivative=tanhshrink_second_derivative,
    formula=r"\mathrm{tanhshrink}(x) = x - \tanh(x)",
    derivative_formula=r"\mathrm{tanhshrink}'(x) = \tanh^2(x)",
    second_derivative_formula=r"\mathrm{tanhshrink}''(x) = 2\tanh(x)\,\operatorname{sech}^2(x)",
    description="The identity minus tanh: nearly flat (cubic) around 0, parallel to x - sign(x) far out; "
                "a smooth shrinkage function.",
    pros=("smooth shrinkage: small inputs are suppressed (f ~ x^3/3)", "zero-centred and monotonic",
          "does not saturate for large |x|"),
    cons=("vanishing gradient around 0 (f'(0) = f''(0) = 0)", "rarely used as a hidden activation",
          "naive x - tanh(x) cancels for small |x|"),
    family="shrink", year=2011,
    reference="Collobert, Kavukcuoglu & Farabet, Torch7: a Matlab-like environment for machine learning, "
              "BigLearn NIPS Workshop 2011 (the Tanhshrink module)",
    output_range=(-float("inf"), float("inf")), monotonic=True, smoothness="Cinf", zero_centred=True,
    saturating=(), f0=0.0, fprime0=0.0, limits=(-float("inf"), float("inf")), kinks=(),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: _mp_tanhshrink(mp, x),
    mp_derivative=lambda mp, x: mp.tanh(x) ** 2,
    mp_second_derivative=lambda mp, x: 2 * mp.tanh(x) * mp.sech(x) ** 2,
))
