r"""Normal density, Mills ratio and normal CDF accurate to the working precision, including ``np.longdouble``.

.. math::
    \varphi(t) = \frac{e^{-t^2/2}}{\sqrt{2\pi}}, \qquad
    R(t) = \frac{1 - \Phi(t)}{\varphi(t)} = e^{t^2/2}\int_t^\infty e^{-s^2/2}\,ds, \qquad
    \Phi(-t) = \varphi(t)\,R(t)

SciPy's ``erfc``/``ndtr`` are float64-only, so float64 inputs (computed in 80-bit ``longdouble``) need
their own implementation; float16/float32 inputs (computed in float64) use ``scipy.special.erfcx``, whose
float64 accuracy is ample there.  Writing the tail as :math:`\varphi(t)R(t)` avoids the two classic losses:

* :math:`e^{-t^2/2}` is evaluated from the exact square :math:`t^2 = q + q_e` (Dekker's product), as
  :math:`e^{-q/2}(1 - q_e/2)`: rounding :math:`t^2` first would cost a relative error of
  :math:`t^2\epsilon` (~10 bits at the float64 underflow threshold :math:`t \approx 38`);
* :math:`R` is smooth and :math:`O(1/t)`, so no argument scaling (:math:`t/\sqrt 2`) is rounded before
  an exponential.

:math:`R` in ``longdouble``: for :math:`0 \le t \le 8` from tables at the centres :math:`c = j/8`
(:math:`R(c)` to 30 digits from mpmath for :math:`c \le 5`, from a 200-level continued fraction beyond;
:math:`\varphi(c)` from the exact :math:`c^2`) and the exact identities

.. math::
    R(t) = e^{-u(c+t)/2}\Bigl(R(c) + \int_0^u e^{cs - s^2/2}\,ds\Bigr), \quad
    \varphi(t) = \varphi(c)\,e^{u(c+t)/2}, \qquad c = \mathrm{rint}(8t)/8,\; u = c - t \in [-1/16, 1/16],

so :math:`\varphi` needs no extended square there.  The integral is a Taylor series in :math:`u` whose
coefficients (:math:`(k+1)a_{k+1} = c a_k - a_{k-1}`) are tabulated per centre; it cancels at most
1.5 bits against :math:`R(c)`.  For :math:`t > 8`, the even contraction of Laplace's continued fraction
:math:`R(t) = t/(t^2+1-1\cdot2/(t^2+5-3\cdot4/(t^2+9-\dots)))`, 12 levels, evaluated bottom-up.
Checked against mpmath to a few ``longdouble`` ULP on :math:`[0, 160]`.
"""
from __future__ import annotations

from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np

from ..numerics import LD, horner, two_product
_INV_SQRT_2PI = "0.398942280401432677939946059934381868475858631164934657665926"
_SQRT_PI_OVER_2 = "1.25331413731550025120788264240552262881753309122887"

# R(j/8), j = 0..40 (mpmath, 30 digits)
_R_TABLE_TEXT = (
    "1.25331413731550025120788264241", "1.13749092120360451483223502612", "1.03782457585372681230036470613",
    "0.951527192071206715278670135589", "0.87636445645369234672785314264", "0.810533715279030415203635747598",
    "0.75257117906340805145547335791", "0.701280821854430058210972717077", "0.655679542418798471543871230731",
    "0.614954596150929729277556618449", "0.578430346047631076633612490495", "0.545542135658216918607636810738",
    "0.515815638217963355026512534168", "0.48885044152757375435474301832", "0.464306928039442164437260864256",
    "0.441895732832600005408752454706", "0.421369229288054473224934333542", "0.402514618129672070392197525353",
    "0.385148290798434623639310661149", "0.369111210690263425484456031027", "0.354265111329793666783981425828",
    "0.340489353287084676151667352212", "0.327678314690552054161274179709", "0.315739215869410030900422253254",
    "0.304590298710103295733612546516", "0.294159297040289316541808943287", "0.28438214674849292468286388368",
    "0.275201894157606457560830926418", "0.26656776896822375715239353778", "0.25843439431203851114700964517",
    "0.250761111443965026630094596362", "0.243511400615455967474077444365", "0.236652382913560670623985936436",
    "0.230154390478800953931640301397", "0.22399059465382880832049825313", "0.218136683361471274172536633394",
    "0.212570580442031790225660005252", "0.207272200856501045271549990454", "0.202223236633054652353510911345",
    "0.197406969237519291927627596579", "0.192808104715315764877465727918",
)
_STEP = 0.125            # table spacing
_TABLE_END = 8.0
_SERIES_TERMS = 17
_CF_DEPTH = 12           # for t > 8 (10 levels give 2^-68 at t = 8)
T_MAX = 160.0            # Phi(-t), phi(t) underflow to 0 in every working type beyond this


def _laplace_cf(t, depth):
    r""":math:`R(t) = t/(t^2+1-1\cdot2/(t^2+5-3\cdot4/(\dots t^2+4k-3-(2k-1)2k/(t^2+4\,depth+1))))`, the even
    contraction of Laplace's continued fraction truncated after ``depth`` levels, evaluated bottom-up."""
    t2 = t * t
    v = t2 + (4 * depth + 1)
    for k in range(depth, 0, -1):
        v = t2 + (4 * k - 3) - (2 * k - 1) * (2 * k) / v
    return t / v


def _build_tables():
    """R(c), phi(c) and the series coefficients b_k(c) = a_k(c)/(k+1) at the centres c = j/8, in longdouble."""
    n = int(_TABLE_END / _STEP) + 1
    c = np.arange(n, dtype=LD) * LD(_STEP)
    r = np.empty(n, dtype=LD)
    r[:len(_R_TABLE_TEXT)] = [LD(s) for s in _R_TABLE_TEXT]
    rest = c[len(_R_TABLE_TEXT):]             # t >= 5.125: the continued fraction converges fast; go deep
    r[len(_R_TABLE_TEXT):] = _laplace_cf(rest, 200)
    phi = np.exp(-0.5 * (c * c)) * LD(_INV_SQRT_2PI)    # c*c exact
    a_prev, a = np.zeros(n, dtype=LD), np.ones(n, dtype=LD)
    b = [a.copy()]
    for k in range(1, _SERIES_TERMS):
        a_prev, a = a, (c * a - a_prev) / k
        b.append(a / (k + 1))
    return r, phi, np.array(b, dtype=LD)


_R_TAB, _PHI_TAB, _B_TAB = _build_tables()


def pair(text: str, dtype) -> tuple:
    """Decimal constant ``text`` as an unevaluated sum ``hi + lo`` of two ``dtype`` numbers."""
    dtype = np.dtype(dtype)
    getcontext().prec = 80
    hi = np.asarray(LD(text)).astype(dtype)[()]
    exact_hi = Fraction(*np.asarray(hi).astype(LD)[()].as_integer_ratio())
    rest = Decimal(text) - Decimal(exact_hi.numerator) / Decimal(exact_hi.denominator)
    lo = np.asarray(LD(str(rest))).astype(dtype)[()]
    return hi, lo


def exp_minus_half_square(t):
    r""":math:`e^{-t^2/2}` with :math:`t^2` kept exact (``t`` finite, :math:`|t| \le` ``T_MAX``)."""
    q, qe = two_product(t, t)
    return np.exp(-0.5 * q) * (1.0 - 0.5 * qe)


def norm_pdf(t):
    r""":math:`\varphi(t) = e^{-t^2/2}/\sqrt{2\pi}` (``t`` finite, :math:`|t| \le` ``T_MAX``)."""
    return exp_minus_half_square(t) * np.asarray(LD(_INV_SQRT_2PI)).astype(t.dtype)


def pdf_and_mills(t):
    r""":math:`(\varphi(t), R(t))` for :math:`0 \le t \le` ``T_MAX`` (NaN stays NaN).

    In ``longdouble``, for :math:`t \le 8`: :math:`\varphi(t) = \varphi(c)E` and
    :math:`R(t) = (R(c) + J(u))/E` with :math:`E = e^{u(c+t)/2}`, :math:`c = j/8` the nearest centre and
    :math:`u = c - t \in [-1/16, 1/16]` (exact); beyond, :func:`norm_pdf` and the continued fraction.
    Each branch is evaluated only on its own elements.
    """
    t = np.asarray(t)
    if t.dtype != LD:
        from scipy.special import erfcx
        return norm_pdf(t), np.asarray(LD(_SQRT_PI_OVER_2)).astype(t.dtype) * erfcx(t * 0.7071067811865476)
    flat = t.reshape(-1)
    near = flat <= _TABLE_END                        # NaN goes to the far branch
    phi = np.empty_like(flat)
    ratio = np.empty_like(flat)
    tn = flat[near]
    j = np.rint(tn * (1.0 / _STEP)).astype(np.intp)
    c = j * LD(_STEP)
    u = c - tn
    acc = horner(u, _B_TAB[:, j])                   # row k of _B_TAB[:, j]: b_k at each point's centre
    e = np.exp(0.5 * u * (c + tn))
    phi[near] = _PHI_TAB[j] * e
    ratio[near] = (_R_TAB[j] + acc * u) / e
    far = ~near
    tf = flat[far]
    phi[far] = norm_pdf(tf)
    ratio[far] = _laplace_cf(tf, _CF_DEPTH)
    return phi.reshape(t.shape), ratio.reshape(t.shape)


def mills_ratio(t):
    r"""Mills ratio :math:`R(t) = (1-\Phi(t))/\varphi(t)` for :math:`0 \le t \le` ``T_MAX``."""
    return pdf_and_mills(t)[1]


def ndtr(x):
    r"""Normal CDF :math:`\Phi(x)` accurate to the working precision (NaN stays NaN; :math:`\pm\infty`
    give 1 and 0)."""
    x = np.asarray(x)
    t = np.minimum(np.abs(x), T_MAX)
    phi, ratio = pdf_and_mills(t)
    tail = phi * ratio                               # Phi(-|x|)
    return np.where(x < 0, tail, 1.0 - tail)
