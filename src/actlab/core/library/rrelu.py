r"""Randomized leaky rectified linear unit.

.. math::
    \mathrm{rrelu}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}, \qquad
    a = \begin{cases} a_i \sim U[l, u] \text{ per element} & \text{training} \\
                      (l + u)/2 & \text{evaluation} \end{cases}

with :math:`l` = ``lower`` = 1/8 and :math:`u` = ``upper`` = 1/3 (PyTorch's defaults).

.. math::
    \mathrm{rrelu}'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}, \qquad \mathrm{rrelu}''(x) = 0

Evaluation mode (the default: ``f(x)``, ``f.derivative(x)``) is the deterministic leaky ReLU with the
mean slope :math:`\bar a = (l + u)/2`, taken as the double nearest the mean (the mpmath reference uses
the same double); the kernels are ``leaky_relu``'s, shared in ``_piecewise_linear``.

Training mode, ``f(x, training=True, rng=...)``, draws one slope per element uniformly from
:math:`[l, u]` with a ``numpy.random.Generator`` (or an integer seed, which builds a fresh
``numpy.random.default_rng(seed)``: same seed, same output).  There is deliberately no hidden global
random state: ``rng=None`` in training raises ``ValueError``.  A network layer that must reuse the
slopes in its backward pass draws them once with :func:`sample_slopes` and applies them with
:func:`forward_with_slopes` / :func:`derivative_with_slopes`.

Kink at 0: ``rrelu'(0)`` is the slope (PyTorch's convention: the left branch includes 0), the mean
slope in evaluation mode.  Requires ``0 <= lower <= upper <= 1``.

Reference: Xu, Wang, Chen & Li, Empirical evaluation of rectified activations in convolutional network,
arXiv:1505.00853, 2015.
"""
from __future__ import annotations

import numpy as np

from ..numerics import as_input, finish, widen
from ..registry import register
from ..spec import ActivationSpec, Param
from ._piecewise_linear import leaky, leaky_derivative, leaky_metadata, mp_leaky, pick, zero


def mean_slope(lower: float = 1 / 8, upper: float = 1 / 3) -> float:
    r"""Evaluation-mode slope :math:`(l + u)/2` (the double nearest it)."""
    return (float(lower) + float(upper)) / 2.0


def rrelu(x, lower=1 / 8, upper=1 / 3):
    r"""Evaluation mode: :math:`x` for :math:`x > 0`, else :math:`\bar a x` with :math:`\bar a = (l+u)/2`."""
    return leaky(x, mean_slope(lower, upper))


def rrelu_derivative(x, lower=1 / 8, upper=1 / 3):
    r"""Evaluation mode: :math:`1` for :math:`x > 0`, else :math:`\bar a` (``rrelu'(0) = (l+u)/2``)."""
    return leaky_derivative(x, mean_slope(lower, upper))


def rrelu_second_derivative(x, lower=1 / 8, upper=1 / 3):
    r""":math:`0`."""
    return zero(x)


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise ValueError("rrelu in training mode draws random slopes: pass rng=<numpy.random.Generator> or "
                         "rng=<int seed>; a seed/rng is required for reproducibility")
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rrelu: rng must be a numpy.random.Generator or an int seed, got {type(rng).__name__}")


def sample_slopes(shape, lower: float = 1 / 8, upper: float = 1 / 3, rng=None) -> np.ndarray:
    r"""Slopes :math:`a_i \sim U[l, u]`, float64 array of ``shape``, from ``rng`` (Generator or int seed).

    ``rng=None`` raises ``ValueError``: training-mode randomness is always explicit.
    """
    if not float(lower) <= float(upper):
        raise ValueError(f"rrelu: lower must not exceed upper; got lower={lower!r}, upper={upper!r}")
    gen = _generator(rng)
    return gen.uniform(float(lower), float(upper), size=shape)


def forward_with_slopes(x, slopes) -> np.ndarray:
    r""":math:`x` for :math:`x > 0`, else :math:`a_i x` with given ``slopes`` (broadcast to ``x``); keeps dtype."""
    arr = as_input(x)
    with np.errstate(all="ignore"):
        return finish(leaky(widen(arr), np.asarray(slopes, dtype=np.float64)), arr.dtype)


def derivative_with_slopes(x, slopes) -> np.ndarray:
    r""":math:`1` for :math:`x > 0`, else :math:`a_i` (what the backward pass of a training step uses)."""
    arr = as_input(x)
    with np.errstate(all="ignore"):
        out = leaky_derivative(widen(arr), np.asarray(slopes, dtype=np.float64))
        return finish(np.broadcast_to(out, arr.shape), arr.dtype)


def _sample(activation, x, rng):
    """Training-mode forward: fresh per-element slopes from ``rng`` (spec ``sample`` hook)."""
    arr = as_input(x)
    slopes = sample_slopes(arr.shape, activation.params["lower"], activation.params["upper"], rng)
    return forward_with_slopes(arr, slopes)


def _check(p):
    if p["lower"] > p["upper"]:
        raise ValueError(f"rrelu: lower must not exceed upper; got lower={p['lower']!r}, upper={p['upper']!r}")


register(ActivationSpec(
    single_rounding=True,
    name="rrelu", class_name="RReLU", aliases=("randomized_relu", "randomized_leaky_relu"),
    params=(Param("lower", 1 / 8, "lower bound l of the random negative slope", low=0.0, high=1.0),
            Param("upper", 1 / 3, "upper bound u of the random negative slope", low=0.0, high=1.0)),
    check_params=_check, random=True, sample=_sample,
    fn=rrelu, derivative=rrelu_derivative, second_derivative=rrelu_second_derivative,
    formula=r"\mathrm{rrelu}(x) = \begin{cases} x & x > 0\\ a\,x & x \le 0\end{cases},\ "
            r"a \sim U[l, u] \text{ (training)},\ a = \tfrac{l+u}{2} \text{ (evaluation)}",
    derivative_formula=r"\mathrm{rrelu}'(x) = \begin{cases} 1 & x > 0\\ a & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{rrelu}''(x) = 0",
    description="Leaky ReLU whose negative slope is random in training (uniform in [lower, upper]) and "
                "the mean slope at evaluation.",
    pros=("the random slope regularises (less overfitting than leaky ReLU in the original study)",
          "no dying units", "deterministic at evaluation"),
    cons=("training is stochastic: needs a seeded generator to reproduce", "two hyper-parameters",
          "train and evaluation functions differ", "not zero-centred"),
    family="rectifier", year=2015,
    reference="Xu, Wang, Chen & Li, Empirical evaluation of rectified activations in convolutional network, "
              "arXiv:1505.00853 2015",
    **leaky_metadata(lambda p: mean_slope(p["lower"], p["upper"])),
    mp_fn=lambda mp, x, lower, upper: mp_leaky(mp, x, mean_slope(lower, upper), 0),
    mp_derivative=lambda mp, x, lower, upper: mp_leaky(mp, x, mean_slope(lower, upper), 1),
    mp_second_derivative=lambda mp, x, lower, upper: mp_leaky(mp, x, mean_slope(lower, upper), 2),
    sample_params=lambda rng: pick(rng, [{"lower": 0.0, "upper": 0.5}, {"lower": 0.3, "upper": 0.3},
                                         {"lower": 0.0, "upper": 0.0}]),
))
