r"""SiLU / Swish: the sigmoid-weighted linear unit, with an optional (learnable) slope :math:`\beta`.

.. math::
    \mathrm{silu}_\beta(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}

With :math:`u = \beta x`, :math:`s = \sigma(u)` and :math:`\bar s = \sigma(-u) = 1 - s`:

.. math::
    f'(x) = s\,(1 + u\,\bar s), \qquad
    f''(x) = \beta\, s\,\bar s\,\bigl(2 - u \tanh(u/2)\bigr)

Numerical notes.

* Everything comes from :math:`e = e^{-|u|}` and :math:`b = 1/(1+e)`: :math:`\sigma(|u|) = b`,
  :math:`\sigma(-|u|) = e b`, :math:`\sigma'(u) = e b^2`, :math:`u\tanh(u/2) = |u|(1-e)b`.  So
  :math:`\bar s` is never computed as ``1 - s`` (which is 0 for :math:`u > 37` in float64, killing
  both derivatives' right tails), ``exp`` never overflows, and :math:`f''` (even in :math:`u`) needs
  no branch.  ``1 - e`` cancels for small :math:`|u|`, where the term is :math:`\approx u^2/2` next
  to 2, so its relative error does not matter.
* ``u`` is clipped to :math:`\pm 2\cdot 10^4`, where every term has reached its limit even in
  ``longdouble``; this makes :math:`f(-\infty) = 0` (not :math:`-\infty \cdot 0`),
  :math:`f'(-\infty) = 0`, :math:`f'(+\infty) = 1` and :math:`f''(\pm\infty) = 0` without NaN.
* Near the root of :math:`f'` (:math:`u_0 \approx -1.2785`, the minimum of :math:`f`) the factor
  :math:`1 + u\bar s` cancels, and so does :math:`2 - u\tanh(u/2)` near the roots
  :math:`u \approx \pm 2.3994` of :math:`f''`; there a Taylor series in :math:`t = u - u_0` is used
  (see ``_root_series``).  Since the root in :math:`x` is :math:`u_0/\beta` and the reference is taken
  at the exact :math:`x`, the rounding of :math:`\beta x` itself would dominate there (a relative error
  :math:`2^{-64}` of :math:`u` is :math:`2^{-11}` of :math:`t` one float64 ULP from the root), so for
  :math:`\beta` not a power of two :math:`u` is formed as an exact double-length product.

Parameter domain: :math:`\beta \ge 0`.  :math:`\beta = 0` gives the linear :math:`x/2`;
:math:`\beta \to \infty` tends to ReLU.  Negative :math:`\beta` (explored in the Swish search) is the
mirror :math:`x - \mathrm{silu}_{|\beta|}(x)`, a different shape with other limits; it is not allowed.
No kinks: :math:`C^\infty`.

References: Hendrycks & Gimpel, Gaussian error linear units (GELUs), 2016 (where SiLU is named);
Elfwing, Uchibe & Doya, Sigmoid-weighted linear units for neural network function approximation in
reinforcement learning, Neural Networks 2018; Ramachandran, Zoph & Le, Searching for activation
functions, 2017 (Swish with learnable :math:`\beta`).
"""
import math

import numpy as np

from ..numerics import two_product_scaled
from ..registry import register
from ..spec import ActivationSpec, Init, Param
from ._root_series import RootSeries

_U_CLIP = 2.0e4          # |u| beyond which f', f'' and sigma have their limits, even in longdouble
_U_MIN = -0.27846454276107379510935873902    # min of u*sigma(u), at u = -1.2784645427610737951...

# Taylor series of d/du [u sigma(u)] about its root, and of d^2/du^2 [u sigma(u)] about its positive root
# (it is even in u, so the series serves the root at -2.3994 via |u|)
_D1 = RootSeries(
    root=(-1.2784645427610737, '-1.094699418309343743045045e-16'),
    coefficients=('0.2178117057198000987797029', '0.1466487969969469001794081', '0.01887481422378231340716336',
                  '-0.01522265522318803168878182', '-0.006606589138356696436301172',
                  '0.0001266274100811219972716417', '0.0007985218818397997761221495',
                  '0.0001857072436118649565274327', '-0.00004090534237428611680515426',
                  '-0.0000297335422132639158387753', '-0.000002942631888842463993917224',
                  '0.000002346029682463866049406405', '0.0000008599695028268575517718446',
                  '-3.051244750055421079099126e-8', '-9.266646309267440197199754e-8',
                  '-1.887762290772795805057852e-8', '4.619379769031606172508501e-9',
                  '2.917760302690380261797746e-9'))
_D2 = RootSeries(
    root=(2.3993572805154675, '1.846487285535336354238432e-16'),
    coefficients=('-0.09153052016419228387005209', '0.07629586548655084660525064',
                  '-0.02248725923422532726736641', '-0.001836670144762843865437098',
                  '0.003862816776830254069654947', '-0.001366369691236774449171557',
                  '0.0001151307019584521922018979', '0.00009644059294156356774500569',
                  '-0.00004745074279280719346788857', '0.000008432377564571458893824668',
                  '0.000001246161507225188164962988', '-0.000001190460513336088024129365',
                  '0.000000314464931887199599039091', '-9.904149230625923000738673e-9',
                  '-2.261809862436847259026831e-8', '8.622061381742719353034361e-9',
                  '-1.139313959706700939475383e-9', '-2.964460889695650300620126e-10'))


def _scaled(x, beta, exact=True):
    """``(u, u_lo, bound)``: ``u + u_lo = beta * clip(x, -bound, bound)`` (exactly when ``exact``;
    ``u_lo`` is None when ``u`` alone is exact or not needed), where ``bound = 2e4 / beta``, or less
    when that would not be safely finite in the working dtype (then only infinite ``x`` are clipped)."""
    work = x.dtype
    largest = np.finfo(work).max * 2.0 ** -40
    u_clip = np.asarray(_U_CLIP, work)
    bound = u_clip / np.asarray(beta, work) if beta >= u_clip / largest else largest   # no overflow
    xc = np.clip(x, -bound, bound)
    if beta == 1.0:
        return xc, None, bound
    if not exact or math.frexp(beta)[0] == 0.5:      # power of two: the product is exact
        return beta * xc, None, bound
    u, u_lo = two_product_scaled(beta, xc)
    return u, u_lo, bound


def _exp_parts(u):
    """``(e, b) = (exp(-|u|), 1/(1 + exp(-|u|)))``: sigma(|u|) = b, sigma(-|u|) = e b, sigma'(u) = e b^2;
    ``exp`` never overflows and ``1 - sigma`` is never formed."""
    e = np.exp(-np.abs(u))
    return e, 1.0 / (1.0 + e)


def _infinite_limits(x, out, beta, bound, low, high):
    # only for absurdly small beta (< 1e-292 with float16/32 input), where clipping x does not
    # reach the saturated region of u
    if bound * beta < _U_CLIP:
        out = np.where(x == np.inf, high, np.where(x == -np.inf, low, out))
    return out


def silu(x, beta=1.0):
    r""":math:`x\,\sigma(\beta x)`."""
    x = np.asarray(x)
    if beta == 0.0:
        return 0.5 * x
    u, _, bound = _scaled(x, beta, exact=False)     # f has no cancellation: rounded beta*x is fine
    e, b = _exp_parts(u)
    s = np.where(u >= 0, 1.0, e) * b
    out = np.maximum(x, -bound) * s     # below -bound f underflows to (-)0; x = -inf must not give NaN
    return _infinite_limits(x, out, beta, bound, 0.0, np.inf)


def silu_derivative(x, beta=1.0):
    r""":math:`\sigma(u) + u\,\sigma'(u)` with :math:`u = \beta x` (series near its root)."""
    x = np.asarray(x)
    if beta == 0.0:
        return np.where(np.isnan(x), x, 0.5)
    u, u_lo, bound = _scaled(x, beta)
    e, b = _exp_parts(u)
    out = b * (np.where(u >= 0, 1.0, e) + u * (e * b))
    out = _D1.patch(out, u, u_lo)
    return _infinite_limits(x, out, beta, bound, 0.0, 1.0)


def silu_second_derivative(x, beta=1.0):
    r""":math:`\beta\,\sigma'(u)\,(2 - u\tanh(u/2))` with :math:`u = \beta x` (series near its roots)."""
    x = np.asarray(x)
    if beta == 0.0:
        return np.where(np.isnan(x), x, 0.0)
    u, u_lo, bound = _scaled(x, beta)
    e, b = _exp_parts(u)
    au = np.abs(u)
    # u tanh(u/2) = |u| (1 - e) b: 1 - e cancels for small |u|, but there the term is ~u^2/2 next to 2
    out = (beta * (e * (b * b))) * (2.0 - au * ((1.0 - e) * b))
    out = _D2.patch(out, au, None if u_lo is None else u_lo * np.sign(u), scale=beta)   # even in u
    return _infinite_limits(x, out, beta, bound, 0.0, 0.0)


def silu_param_derivative(x, beta=1.0):
    r""":math:`\partial f/\partial\beta = x^2\,\sigma'(\beta x)` (what a network needs to learn Swish's beta)."""
    x = np.asarray(x)
    u, _, _ = _scaled(x, beta, exact=False) if beta != 0.0 else (0.0 * x, None, None)
    e, b = _exp_parts(u)
    # x * (x * sigma') keeps the product finite where sigma' underflows before x^2 overflows
    return {"beta": np.where(np.isinf(x), 0.0, x * (np.where(np.isinf(x), 0.0, x) * (e * (b * b))))}


def _mp_sigmoids(mp, x, beta):
    u = beta * x
    return u, 1 / (1 + mp.exp(-u)), 1 / (1 + mp.exp(u))


def _mp_d1(mp, x, beta):
    u, s, sn = _mp_sigmoids(mp, x, beta)
    return s * (1 + u * sn)


def _mp_d2(mp, x, beta):
    u, s, sn = _mp_sigmoids(mp, x, beta)
    return beta * s * sn * (2 - u * mp.tanh(u / 2))


register(ActivationSpec(
    name="silu", class_name="SiLU", aliases=("swish",), variants={"swish1": {"beta": 1.0}},
    params=(Param("beta", 1.0, "slope of the sigmoid gate; 0 gives x/2, large values approach ReLU",
                  low=0.0, learnable=True),),
    fn=silu, derivative=silu_derivative, second_derivative=silu_second_derivative,
    param_derivative=silu_param_derivative,
    formula=r"\mathrm{silu}(x) = x\,\sigma(\beta x) = \frac{x}{1+e^{-\beta x}}",
    derivative_formula=r"\mathrm{silu}'(x) = \sigma(\beta x)\bigl(1 + \beta x\,(1-\sigma(\beta x))\bigr)",
    second_derivative_formula=r"\mathrm{silu}''(x) = \beta\,\sigma(\beta x)(1-\sigma(\beta x))"
                              r"\bigl(2 - \beta x \tanh(\beta x/2)\bigr)",
    description="The input gated by its own sigmoid: a smooth, non-monotonic ReLU-like unit with a small "
                "negative dip (minimum -0.2785/beta at x = -1.2785/beta).",
    pros=("smooth everywhere, so gradients are smooth", "non-monotonic dip keeps a small gradient for "
          "negative inputs (no dying units)", "unbounded above, bounded below: acts as a self-regulariser",
          "often beats ReLU in deep networks (found by automated search)"),
    cons=("costlier than ReLU (an exponential per element)", "not zero-centred",
          "non-monotonic: gradient changes sign at x = -1.2785/beta"),
    family="self-gated", year=2017,
    reference="Ramachandran, Zoph & Le, Searching for activation functions, arXiv:1710.05941 (2017); "
              "Elfwing, Uchibe & Doya, Sigmoid-weighted linear units for neural network function "
              "approximation in reinforcement learning, Neural Networks 2018; Hendrycks & Gimpel, "
              "Gaussian error linear units, arXiv:1606.08415 (2016)",
    output_range=lambda p: (_U_MIN / p["beta"], math.inf) if p["beta"] > 0 else (-math.inf, math.inf),
    monotonic=lambda p: p["beta"] == 0,
    smoothness="Cinf",
    # |E f(z)| <= 0.01 rms for z ~ N(0, 1) holds only for beta <= 0.020005 (E f ~ beta/4, rms ~ 1/2)
    zero_centred=lambda p: p["beta"] <= 0.02,
    saturating=lambda p: ("-inf",) if p["beta"] > 0 else (),
    f0=0.0, fprime0=0.5,
    limits=lambda p: (0.0, math.inf) if p["beta"] > 0 else (-math.inf, math.inf),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x, beta: x / (1 + mp.exp(-beta * x)),
    mp_derivative=_mp_d1,
    mp_second_derivative=_mp_d2,
    # beta not a power of two, so the exact double-length product beta*x is exercised
    sample_params=lambda rng: {"beta": round(float(rng.uniform(0.25, 4.0)), 3)},
))
