r"""Mish: the input gated by the hyperbolic tangent of its softplus.

.. math::
    \mathrm{mish}(x) = x \tanh(\operatorname{softplus}(x)) = x \tanh\bigl(\log(1 + e^{x})\bigr)

With :math:`T = \tanh(\operatorname{softplus}(x))`,
:math:`S = 1 - T^2 = \operatorname{sech}^2(\operatorname{softplus}(x))`, :math:`\sigma = \sigma(x)` and
:math:`\bar\sigma = \sigma(-x)`:

.. math::
    f'(x) = T + x\,\sigma S, \qquad
    f''(x) = \sigma S\,\bigl(2 + x(\bar\sigma - 2T\sigma)\bigr)

Numerical notes.  :math:`T` is never formed as ``tanh(log1p(exp(x)))``: since :math:`e^{\mathrm{softplus}(x)}
= 1 + e^x`, it is the rational function

.. math::
    T = \frac{(1+e^x)^2 - 1}{(1+e^x)^2 + 1} = \frac{E(E+2)}{E(E+2) + 2}\ (E = e^{x},\ x < 0)
      = \frac{1 + 2q}{1 + 2q + 2q^2}\ (q = e^{-x},\ x \ge 0),

every term positive, so :math:`T` has full relative accuracy, ``exp`` never overflows, and the
complement :math:`D = 1 - T` is computed as :math:`2/(E(E+2)+2)` or :math:`2q^2/(1+2q+2q^2)` without
cancellation, giving :math:`S = D(1+T)` accurate in both tails (``1 - tanh^2`` is 0 for
:math:`x > 19`).  :math:`x` is clipped to :math:`\pm 2\cdot 10^4` in the derivatives (everything has
its limit there, even in ``longdouble``) and at :math:`-2\cdot10^4` in :math:`f`, so
:math:`f(-\infty) = 0`, :math:`f'(-\infty) = 0`, :math:`f'(+\infty) = 1`, :math:`f''(\pm\infty) = 0`
without :math:`\infty\cdot 0`.  Near the root of :math:`f'` (:math:`x \approx -1.1924`, the minimum
of mish) and the roots of :math:`f''` (:math:`x \approx -2.2564` and :math:`1.4906`) the closed forms
cancel, and a Taylor series about the root is used instead (see ``_root_series``).
No kinks: :math:`C^\infty`.

Reference: Misra, Mish: a self regularized non-monotonic activation function, arXiv:1908.08681 (2019),
BMVC 2020.
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init
from ._root_series import RootSeries

_X_CLIP = 2.0e4                               # exp(-2e4) underflows to 0 even in longdouble
_MIN = -0.308843413017250406628760229042      # mish at its minimum x = -1.19243121451549521...

_D1 = RootSeries(
    root=(-1.1924312145154952, '-4.848482984803104554936137e-17'),
    coefficients=('0.2669479140495345113166231', '0.2047312640801058663477057', '0.04190782104360987308085516',
                  '-0.02027182271668424612810112', '-0.01582112656173338098207242',
                  '-0.003360684927023268668301642', '0.001092405540944585493052099',
                  '0.0009898181021289196696076389', '0.0002541293638619107318682572',
                  '-0.00004196149603169612879119022', '-0.00005582891567360687890890536',
                  '-0.00001729927081030439955645145', '0.0000009427361327376651235194145',
                  '0.000002908819936491222184664313', '0.000001071676702702073990254766',
                  '2.687941785555772625304419e-8', '-0.0000001411725591949938237222356',
                  '-6.174424363104907070692364e-8'))
_D2_NEG = RootSeries(
    root=(-2.256376396360793, '-1.070317487501924793774364e-16'),
    coefficients=('0.1087544107316426941189486', '0.09898193805255844279341319', '0.03736189561023729272618293',
                  '0.003354052659335865503624455', '-0.003860493935188505868977924',
                  '-0.002480068109334892903052878', '-0.0007927886724150866555667439',
                  '-0.0001053838191945474637168401', '0.00003978333053066291911525439',
                  '0.00003223849683011536561733604', '0.00001164639883764003828542946',
                  '0.000002197227437007130376953433', '-0.000000191663119476362332471968',
                  '-0.0000003288682747894523187212241', '-0.0000001381684124678786791923454',
                  '-3.17919481546342299367148e-8', '-9.04183679197071632747319e-10',
                  '2.789768764545041664143124e-9'))
_D2_POS = RootSeries(
    root=(1.4905711794854284, '7.126036715834262989864248e-17'),
    coefficients=('-0.2306945115974605355895027', '0.2812727780303430747829161', '-0.0797073551654253063762661',
                  '-0.06665173991852782350108321', '0.05998888116276497139949519',
                  '-0.00893224429208287213000273', '-0.01153524888449004698479544',
                  '0.007002748870303273115820877', '-0.0002685218367731347728154574',
                  '-0.00140130966716228372562736', '0.0006082701059370483631893482',
                  '0.00004585028701240190848359684', '-0.0001371756687976547180308269',
                  '0.00004342892598504743617758897', '0.000009503876307943977014447545',
                  '-0.00001163693813526953094655518', '0.000002594217668872636550955912',
                  '0.000001145354985810046058592817'))


def _gate(x, sigmoids=False):
    """``(T, D)`` = (tanh(softplus(x)), 1 - T), and with ``sigmoids`` also ``(sigma(x), sigma(-x))``.

    With ``(p, q) = (e^x, 1)`` for ``x < 0`` and ``(1, e^-x)`` for ``x >= 0`` (so ``p/q = e^x`` and
    both are at most 1): ``T = p(p+2q) / (p(p+2q) + 2q^2)``, ``D = 2q^2 / (same)``,
    ``sigma(x) = p/(p+q)``, ``sigma(-x) = q/(p+q)``; all terms positive."""
    e = np.exp(-np.abs(x))
    pos = x >= 0
    p = np.where(pos, 1.0, e)
    q = np.where(pos, e, 1.0)
    w = p * (p + 2.0 * q)
    q2 = 2.0 * (q * q)
    inv = 1.0 / (w + q2)
    if not sigmoids:
        return w * inv, q2 * inv
    r = 1.0 / (p + q)
    return w * inv, q2 * inv, p * r, q * r


def mish(x):
    r""":math:`x\tanh(\operatorname{softplus}(x))`, with :math:`\tanh(\operatorname{softplus})` as a rational
    function of :math:`e^{\mp x}`."""
    x = np.asarray(x)
    t, _ = _gate(x)
    return np.maximum(x, -_X_CLIP) * t     # f(-inf) = 0 instead of -inf * 0


def mish_derivative(x):
    r""":math:`T + x\,\sigma(x)\,(1 - T^2)`, :math:`T = \tanh(\operatorname{softplus}(x))` (series near its root)."""
    x = np.clip(np.asarray(x), -_X_CLIP, _X_CLIP)
    t, d, s, _ = _gate(x, sigmoids=True)
    out = t + x * (s * (d * (1.0 + t)))
    return _D1.patch(out, x)


def mish_second_derivative(x):
    r""":math:`\sigma(x)(1 - T^2)\,\bigl(2 + x(\sigma(-x) - 2T\sigma(x))\bigr)` (series near its roots)."""
    x = np.clip(np.asarray(x), -_X_CLIP, _X_CLIP)
    t, d, s, sn = _gate(x, sigmoids=True)
    out = (s * (d * (1.0 + t))) * (2.0 + x * (sn - 2.0 * (t * s)))
    out = _D2_NEG.patch(out, x)
    return _D2_POS.patch(out, x)


def _mp_parts(mp, x):
    # (1+E)^2 - 1 written as E(E+2): at x = -228 the difference rounds to exactly 0 at any modest
    # precision, which the oracle's precision doubling cannot detect
    e = mp.exp(x)
    p2 = (1 + e) ** 2
    return e, p2, e * (e + 2) / (p2 + 1), 4 * p2 / (p2 + 1) ** 2   # E, (1+E)^2, T, sech^2(softplus)


def _mp_d1(mp, x):
    e, p2, t, sech2 = _mp_parts(mp, x)
    return t + x * e / (1 + e) * sech2


def _mp_d2(mp, x):
    e, p2, t, sech2 = _mp_parts(mp, x)
    s, sn = e / (1 + e), 1 / (1 + e)
    return s * sech2 * (2 + x * (sn - 2 * t * s))


register(ActivationSpec(
    name="mish", class_name="Mish",
    fn=mish, derivative=mish_derivative, second_derivative=mish_second_derivative,
    formula=r"\mathrm{mish}(x) = x \tanh(\operatorname{softplus}(x)) = x\tanh\bigl(\ln(1+e^{x})\bigr)",
    derivative_formula=r"\mathrm{mish}'(x) = \tanh(\operatorname{sp}(x)) + x\,\sigma(x)\,"
                       r"\operatorname{sech}^2(\operatorname{sp}(x))",
    second_derivative_formula=r"\mathrm{mish}''(x) = \sigma(x)\operatorname{sech}^2(\operatorname{sp}(x))"
                              r"\bigl(2 + x(1 - \sigma(x) - 2\sigma(x)\tanh(\operatorname{sp}(x)))\bigr)",
    description="Self-gated like SiLU, with tanh(softplus(x)) as the gate: smooth, non-monotonic, "
                "unbounded above and bounded below (minimum -0.3088 at x = -1.1924).",
    pros=("smooth everywhere (C-infinity)", "non-monotonic dip keeps gradient for negative inputs",
          "unbounded above (no saturation for x > 0), bounded below (regularising)",
          "reported to beat ReLU and Swish on several vision benchmarks"),
    cons=("costliest of the common activations (exp, log and tanh per element)", "not zero-centred",
          "non-monotonic: the gradient changes sign at x = -1.1924"),
    family="self-gated", year=2019,
    reference="Misra, Mish: a self regularized non-monotonic activation function, arXiv:1908.08681 "
              "(2019), BMVC 2020",
    output_range=(_MIN, math.inf), monotonic=False, smoothness="Cinf", zero_centred=False,
    saturating=("-inf",), f0=0.0, fprime0=0.6,      # tanh(log 2) = 3/5
    limits=(0.0, math.inf), init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x: x * _mp_parts(mp, x)[2],
    mp_derivative=_mp_d1,
    mp_second_derivative=_mp_d2,
))
