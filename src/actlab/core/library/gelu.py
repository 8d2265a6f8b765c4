r"""Gaussian error linear unit, exact or with the tanh approximation.

.. math::
    \mathrm{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\operatorname{erfc}\!\Bigl(-\frac{x}{\sqrt 2}\Bigr), \qquad
    \mathrm{gelu}'(x) = \Phi(x) + x\,\varphi(x), \qquad
    \mathrm{gelu}''(x) = \varphi(x)\,(2 - x^2)

with :math:`\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}`.  ``approximate='tanh'`` (Hendrycks & Gimpel; PyTorch's
``approximate='tanh'``) replaces :math:`\Phi(x)` by :math:`\tfrac12(1+\tanh u) = \sigma(v)`, with
:math:`u = \sqrt{2/\pi}\,(x + 0.044715x^3)` and :math:`v = 2u`:

.. math::
    f(x) = x\,\sigma(v), \qquad f'(x) = \sigma(v) + x v'\sigma'(v), \qquad
    f''(x) = \sigma'(v)\,\bigl(2v' + x v'' - x v'^2 \tanh(v/2)\bigr)

where :math:`v' = 2\sqrt{2/\pi}\,(1 + 3\cdot0.044715x^2)`, :math:`v'' = 12\sqrt{2/\pi}\cdot0.044715\,x`
and :math:`\sigma' = \sigma(v)\sigma(-v)`.

Numerics.  Both variants satisfy :math:`f(x) - f(-x) = x`, so :math:`f''` is even and everything is
computed from :math:`t = |x|` (clamped where the result has reached its limit: no ``inf*0`` at
:math:`\pm\infty`).  Exact: :math:`\Phi(-t) = \varphi(t)R(t)` with the Mills ratio :math:`R` and
:math:`\varphi` from :mod:`._erf`, accurate in ``longdouble`` and free of the rounded
:math:`x/\sqrt 2` and :math:`x^2` that make other libraries lose the negative tail or flush it to 0;
:math:`f' = \varphi(t)(R(t) - t)` for :math:`x<0` and :math:`1 + \varphi(t)(t - R(t))` otherwise;
:math:`2 - x^2 = (\sqrt2 - t)(\sqrt2 + t)` with :math:`\sqrt 2` split in two words, exact at the roots
of :math:`f''`.  Tanh: :math:`1+\tanh u = 2\sigma(2u)` has no cancellation in the left tail, and
:math:`v` is formed in double-word arithmetic (its rounding error, times :math:`|v|` up to 745, would
otherwise cost ULPs of :math:`e^{v}`).  Near the root of :math:`f'` (:math:`x \approx -0.752` for both
variants) and of the tanh variant's :math:`f''` (:math:`|x| \approx 1.4185`) the closed forms cancel, so
a Taylor series about the root is used (root and coefficients from mpmath).  No kinks: :math:`C^\infty`.

Reference: Hendrycks & Gimpel, Gaussian error linear units (GELUs), arXiv:1606.08415, 2016.
"""
from __future__ import annotations

import numpy as np

from . import _erf
from .. import numerics
from ..registry import register
from ..spec import ActivationSpec, Init, Param

# root of the exact gelu' and the Taylor coefficients of gelu' about it (mpmath, 90 digits)
_R1 = "-0.75179152469356445745790494677952404"
_R1_TAYLOR = (
    "0.4314939923140469197865072", "0.3882849829905519978580804", "-0.01819967639867108710056929",
    "-0.114008233297221708552437", "-0.01477152214824433771783813", "0.01942167983818906588903428",
    "0.004539228379125415573634314", "-0.002239538068073497151278949", "-0.0007448268386746816242731353",
    "0.0001863397462323351328044368", "0.00008615947861116571627794471", "-0.00001121438018842664137520905",
    "-0.000007748461307003719125262295", "0.0000004328450625739227546754888",
    "0.0000005702764979242107237229701", "-1.604426549424642758570375e-9", "-3.545986646178386648417632e-8",
)
# tanh variant: root of f' and root of f'' (for x > 0), with Taylor coefficients of f' resp. f''
_R1T = "-0.752461422071016258487954443288916091"
_R1T_TAYLOR = (
    "0.4304000910248585090799274", "0.3875184461357889264213778", "-0.0157828535218480283419059",
    "-0.1139444830809589871106425", "-0.01661932834305256269227603", "0.01968230945983311748701955",
    "0.005261059254921911879379609", "-0.002422731845875097299239679", "-0.0009274420230205448962683819",
    "0.0002639276405268105256778031", "0.0001242522780263978193793871", "-0.00003495617169443611732972887",
    "-0.00001595089687164510475574806", "0.000005918611710894005047667972", "0.000002433551634429954444776535",
    "-0.00000098986477474336658341444", "-0.0000004310248298802901481176818",
)
_R2T = "1.4185040087908283555480335455996427"
_R2T_TAYLOR = (
    "-0.4095488174124190961987914", "0.4320811115938480131961488", "-0.008168951883944803612941404",
    "-0.1610948169321348257521297", "0.05675054097516172261491463", "0.02003536116270127411087811",
    "-0.01671150756085391900704871", "0.0007632001136916162188523483", "0.002643461146696661922925334",
    "-0.0007514200775098502931828419", "-0.0002617375685685442437259862", "0.000176199420541010468035961",
    "0.000006138879668243466311820042", "-0.00002918654105104774819258352", "0.000004884341759522851816650233",
    "0.000003568864966961747813671839", "-0.000001501746538549581977817478",
)
_WINDOW = 0.0625                     # Taylor series used for |x - root| < 1/16
_SQRT2 = "1.41421356237309504880168872420969807856967"
_C1 = "1.59576912160573071175978423973752747"     # 2 sqrt(2/pi)
_C3 = "0.071354816272600248776338752279863541"    # 2 sqrt(2/pi) * 0.044715
_TANH_CLAMP = 100.0                  # sigma(-v(100)) = e^-71500: 0 in every working type
_MIN_EXACT = -0.1699712074799036616938685       # gelu(_R1)
_MIN_TANH = -0.1700407505712540506390674        # tanh variant at _R1T

_cache: dict = {}


def _consts(dtype):
    """Split roots and constants, and Taylor coefficients, in ``dtype`` (built once per dtype)."""
    key = np.dtype(dtype)
    if key not in _cache:
        def coeffs(texts):
            return tuple(np.asarray(np.longdouble(s)).astype(key)[()] for s in texts)
        _cache[key] = {
            "r1": _erf.pair(_R1, key), "r1t": _erf.pair(_R1T, key), "r2t": _erf.pair(_R2T, key),
            "sqrt2": _erf.pair(_SQRT2, key), "c1": _erf.pair(_C1, key), "c3": _erf.pair(_C3, key),
            "r1_taylor": coeffs(_R1_TAYLOR), "r1t_taylor": coeffs(_R1T_TAYLOR),
            "r2t_taylor": coeffs(_R2T_TAYLOR),
        }
    return _cache[key]


def _near_root(x, root, taylor, value):
    """``value``, replaced by the Taylor series about ``root`` (an ``(hi, lo)`` pair) within the window
    (evaluated on those elements only)."""
    s = (x - root[0]) - root[1]
    inside = np.abs(s) < _WINDOW
    if not inside.any():
        return value
    value = np.array(value, copy=True)
    s = s[inside]
    acc = np.zeros_like(s)
    for c in reversed(taylor):
        acc = (acc + c) * s
    value[inside] = acc
    return value


# ---------------------------------------------------------------------------------------- exact
def _exact_parts(x):
    t = np.minimum(np.abs(x), _erf.T_MAX)
    return (t, *_erf.pdf_and_mills(t))


def _exact(x):
    t, p, r = _exact_parts(x)
    q = p * r                                   # Phi(-t)
    return np.where(x < 0, -t * q, x * (1.0 - q))


def _exact_derivative(x):
    t, p, r = _exact_parts(x)
    value = np.where(x < 0, p * (r - t), 1.0 + p * (t - r))
    k = _consts(x.dtype)
    return _near_root(x, k["r1"], k["r1_taylor"], value)


def _exact_second_derivative(x):
    t = np.minimum(np.abs(x), _erf.T_MAX)
    s_hi, s_lo = _consts(x.dtype)["sqrt2"]
    return _erf.norm_pdf(t) * (((s_hi - t) + s_lo) * (s_hi + t))


# ----------------------------------------------------------------------------------------- tanh
def _tanh_parts(x):
    """``a = |x|`` (clamped), ``v(a)`` and sigma(+-v) corrected for the low word of ``v``."""
    k = _consts(x.dtype)
    a = np.minimum(np.abs(x), _TANH_CLAMP)
    (c1, c1_lo), (c3, c3_lo) = k["c1"], k["c3"]
    sq, sq_e = numerics.two_product(a, a)
    cube, cube_e = numerics.two_product(a, sq)
    cube_e = cube_e + a * sq_e
    p1, e1 = numerics.two_product(c1, a)
    p3, e3 = numerics.two_product(c3, cube)
    v = p1 + p3
    v_lo = ((p1 - v) + p3) + (e1 + c1_lo * a) + (e3 + c3 * cube_e + c3_lo * cube)
    e = np.exp(-v)
    sp = 1.0 / (1.0 + e)                        # sigma(v)
    sn = e * sp                                 # sigma(-v)
    return a, v, sp * (1.0 + v_lo * sn), sn * (1.0 - v_lo * sp)


def _tanh(x):
    a, _, sp, sn = _tanh_parts(x)
    return np.where(x < 0, -a * sn, x * sp)


def _tanh_derivative(x):
    a, _, sp, sn = _tanh_parts(x)
    c1 = _consts(x.dtype)["c1"][0]
    vp = c1 + 3.0 * _consts(x.dtype)["c3"][0] * (a * a)
    value = np.where(x < 0, sn * (1.0 - a * vp * sp), sp * (1.0 + a * vp * sn))
    k = _consts(x.dtype)
    return _near_root(x, k["r1t"], k["r1t_taylor"], value)


def _tanh_second_derivative(x):
    a, v, sp, sn = _tanh_parts(x)
    k = _consts(x.dtype)
    c1, c3 = k["c1"][0], k["c3"][0]
    vp = c1 + 3.0 * c3 * (a * a)
    vpp = 6.0 * c3 * a
    value = sp * sn * (2.0 * vp + a * vpp - a * vp * vp * np.tanh(0.5 * v))
    return _near_root(a, k["r2t"], k["r2t_taylor"], value)


# ----------------------------------------------------------------------------------------- public
def gelu(x, approximate="none"):
    r""":math:`x\Phi(x)`, or :math:`\tfrac x2\bigl(1+\tanh(\sqrt{2/\pi}(x+0.044715x^3))\bigr)` for ``'tanh'``."""
    return _tanh(x) if approximate == "tanh" else _exact(x)


def gelu_derivative(x, approximate="none"):
    r""":math:`\Phi(x) + x\varphi(x)`, or :math:`\sigma(v) + xv'\sigma'(v)` for ``'tanh'``."""
    return _tanh_derivative(x) if approximate == "tanh" else _exact_derivative(x)


def gelu_second_derivative(x, approximate="none"):
    r""":math:`\varphi(x)(2-x^2)`, or :math:`\sigma'(v)(2v' + xv'' - xv'^2\tanh(v/2))` for ``'tanh'``."""
    return _tanh_second_derivative(x) if approximate == "tanh" else _exact_second_derivative(x)


# mpmath references: exact, or the tanh formula evaluated exactly (1 + tanh u written as 2 sigma(2u),
# which does not cancel in the left tail at any precision).  mpmath's erfc fails for arguments near
# 1e300; beyond |x| = 1e4 the exact gelu differs from its limits x, 1, 0 by a factor e^(-5e7), far
# below any precision the oracle asks for, so the limits are returned there.
_MP_FAR = 1e4


def _mp_v(mp, x):
    return 2 * mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x ** 3)


def _mp_fn(mp, x, approximate):
    if approximate == "tanh":
        return x / (1 + mp.exp(-_mp_v(mp, x)))
    if abs(x) > _MP_FAR:
        return x if x > 0 else mp.mpf(0)
    return x * mp.erfc(-x / mp.sqrt(2)) / 2


def _mp_derivative(mp, x, approximate):
    if approximate == "tanh":
        v = _mp_v(mp, x)
        vp = 2 * mp.sqrt(2 / mp.pi) * (1 + 3 * mp.mpf("0.044715") * x ** 2)
        s, sn = 1 / (1 + mp.exp(-v)), 1 / (1 + mp.exp(v))
        return s + x * vp * s * sn
    if abs(x) > _MP_FAR:
        return mp.mpf(1) if x > 0 else mp.mpf(0)
    return mp.erfc(-x / mp.sqrt(2)) / 2 + x * mp.npdf(x)


def _mp_second_derivative(mp, x, approximate):
    if approximate == "tanh":
        v = _mp_v(mp, x)
        c = 2 * mp.sqrt(2 / mp.pi)
        vp = c * (1 + 3 * mp.mpf("0.044715") * x ** 2)
        vpp = c * 6 * mp.mpf("0.044715") * x
        s, sn = 1 / (1 + mp.exp(-v)), 1 / (1 + mp.exp(v))
        return s * sn * (2 * vp + x * vpp - x * vp ** 2 * mp.tanh(v / 2))
    if abs(x) > _MP_FAR:
        return mp.mpf(0)
    return mp.npdf(x) * (2 - x ** 2)


register(ActivationSpec(
    name="gelu", class_name="GELU", aliases=("gaussian_error_linear_unit",),
    params=(Param("approximate", "none", "'none': exact x*Phi(x); 'tanh': the tanh approximation",
                  kind="choice", choices=("none", "tanh")),),
    fn=gelu, derivative=gelu_derivative, second_derivative=gelu_second_derivative,
    formula=r"\mathrm{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)"
            r"\quad\left(\texttt{tanh}: \frac{x}{2}\left(1+\tanh\left(\sqrt{2/\pi}\,(x + 0.044715x^3)"
            r"\right)\right)\right)",
    derivative_formula=r"\mathrm{gelu}'(x) = \Phi(x) + x\,\varphi(x)",
    second_derivative_formula=r"\mathrm{gelu}''(x) = \varphi(x)\,(2 - x^2)",
    description="Weights the input by the probability that a standard normal is below it: a smooth, "
                "non-monotonic ReLU; the default activation of BERT, GPT and vision transformers.",
    pros=("smooth everywhere (C-infinity), so second-order methods and curvature are well defined",
          "non-zero gradient for negative inputs near 0: no dying units",
          "empirically better than ReLU/ELU in transformers and many vision/NLP models"),
    cons=("costlier than ReLU (erf, or tanh in the approximation)", "not monotonic: dips to about -0.17 "
          "at x = -0.75", "not zero-centred", "the tanh approximation differs from the exact form by up "
          "to ~5e-4, so the two are not interchangeable for reproducibility"),
    family="self-gated", year=2016,
    reference="Hendrycks & Gimpel, Gaussian error linear units (GELUs), arXiv:1606.08415, 2016",
    output_range=lambda p: (_MIN_TANH if p["approximate"] == "tanh" else _MIN_EXACT, float("inf")),
    monotonic=False, smoothness="Cinf", zero_centred=False, saturating=("-inf",),
    f0=0.0, fprime0=0.5, limits=(0.0, float("inf")), kinks=(), init=Init("he", 2 ** 0.5),
    mp_fn=_mp_fn, mp_derivative=_mp_derivative, mp_second_derivative=_mp_second_derivative,
    sample_params=lambda rng: {"approximate": "tanh"},
))
