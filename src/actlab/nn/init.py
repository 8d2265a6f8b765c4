r"""Weight initialisers (Glorot/Xavier, He/Kaiming, LeCun) and the default chosen from an activation's spec.

For a weight of shape ``(fan_in, fan_out)`` (``Dense`` stores ``W`` as ``(in, out)``) and a gain
:math:`g` (PyTorch's ``calculate_gain`` convention, which is what ``spec.init.gain`` holds):

==========  ===========================================  ===============================================
scheme      normal: standard deviation                   uniform: bound :math:`a` of :math:`U(-a, a)`
==========  ===========================================  ===============================================
glorot      :math:`g\sqrt{2/(\text{fan_in}+\text{fan_out})}`  :math:`g\sqrt{6/(\text{fan_in}+\text{fan_out})}`
he          :math:`g/\sqrt{\text{fan_in}}` (default :math:`g=\sqrt2`)   :math:`g\sqrt{3/\text{fan_in}}`
lecun       :math:`g/\sqrt{\text{fan_in}}` (default :math:`g=1`)        :math:`g\sqrt{3/\text{fan_in}}`
==========  ===========================================  ===============================================

He and LeCun differ only in their default gain (:math:`\sqrt 2` for ReLU, 1 for linear/SELU); an
explicit gain (from the spec) replaces it, exactly as ``torch.nn.init.kaiming_*(nonlinearity=...)``.
All draws come from a ``numpy.random.Generator`` and are returned in the requested dtype.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..core import Activation, get
from ..core.spec import Init
from .module import check_dtype, make_rng

SCHEMES = ("glorot", "he", "lecun")
DISTRIBUTIONS = ("uniform", "normal")
_DEFAULT_GAIN = {"glorot": 1.0, "he": math.sqrt(2.0), "lecun": 1.0}
_SYNONYMS = {"xavier": "glorot", "kaiming": "he"}


def _fans(shape) -> tuple[int, int]:
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[0] * receptive, shape[1] * receptive


def scale(scheme: str, shape, gain: float | None = None, distribution: str = "normal") -> float:
    """Standard deviation (``normal``) or uniform bound (``uniform``) of ``scheme`` for a weight ``shape``."""
    scheme = _SYNONYMS.get(scheme, scheme)
    if scheme not in SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; expected one of {', '.join(SCHEMES)} (or xavier, kaiming)")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"unknown distribution {distribution!r}; expected 'uniform' or 'normal'")
    gain = _DEFAULT_GAIN[scheme] if gain is None else float(gain)
    fan_in, fan_out = _fans(shape)
    var = 2.0 / (fan_in + fan_out) if scheme == "glorot" else 1.0 / fan_in
    std = gain * math.sqrt(var)
    return std * math.sqrt(3.0) if distribution == "uniform" else std


def initialize(scheme: str, shape, gain: float | None = None, distribution: str = "normal", rng=None,
               dtype=np.float64) -> np.ndarray:
    """Draw a weight of ``shape`` with ``scheme`` ('glorot'/'xavier', 'he'/'kaiming', 'lecun')."""
    rng = make_rng(rng)
    dtype = check_dtype(dtype)
    s = scale(scheme, shape, gain, distribution)
    if distribution == "uniform":
        w = rng.uniform(-s, s, size=tuple(shape))
    else:
        w = rng.normal(0.0, s, size=tuple(shape))
    return w.astype(dtype)


def glorot_uniform(shape, gain=1.0, rng=None, dtype=np.float64):
    return initialize("glorot", shape, gain, "uniform", rng, dtype)


def glorot_normal(shape, gain=1.0, rng=None, dtype=np.float64):
    return initialize("glorot", shape, gain, "normal", rng, dtype)


def he_uniform(shape, gain=None, rng=None, dtype=np.float64):
    return initialize("he", shape, gain, "uniform", rng, dtype)


def he_normal(shape, gain=None, rng=None, dtype=np.float64):
    return initialize("he", shape, gain, "normal", rng, dtype)


def lecun_uniform(shape, gain=None, rng=None, dtype=np.float64):
    return initialize("lecun", shape, gain, "uniform", rng, dtype)


def lecun_normal(shape, gain=None, rng=None, dtype=np.float64):
    return initialize("lecun", shape, gain, "normal", rng, dtype)


xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


class Initializer:
    """A callable ``init(shape, rng, dtype) -> ndarray`` with a readable repr."""

    def __init__(self, scheme: str, gain: float | None = None, distribution: str = "normal") -> None:
        scale(scheme, (1, 1), gain, distribution)          # validate early
        self.scheme = _SYNONYMS.get(scheme, scheme)
        self.gain = gain
        self.distribution = distribution

    def __call__(self, shape, rng=None, dtype=np.float64) -> np.ndarray:
        return initialize(self.scheme, shape, self.gain, self.distribution, rng, dtype)

    def __repr__(self) -> str:
        return f"Initializer({self.scheme!r}, gain={self.gain!r}, distribution={self.distribution!r})"


def default_init(activation=None, distribution: str = "normal") -> Initializer:
    """The initialiser recommended by ``activation``'s spec (``spec.properties(params)['init']``).

    ``activation`` is a name, config, :class:`~actlab.core.Activation` or ``None`` (Glorot, gain 1,
    for a linear output layer).
    """
    if activation is None:
        return Initializer("glorot", 1.0, distribution)
    f = get(activation) if not isinstance(activation, Activation) else activation
    init = f.spec.properties(f.params)["init"]
    if not isinstance(init, Init):
        raise TypeError(f"{f.name}: spec init must be an Init(scheme, gain), got {init!r}")
    return Initializer(init.scheme, init.gain, distribution)


def resolve_init(init, activation=None) -> Callable:
    """Normalise the ``init`` argument of a layer to a callable ``(shape, rng, dtype) -> ndarray``.

    Accepted: ``None`` (``default_init(activation)``), a scheme name ('he', 'glorot_uniform', 'xavier_normal',
    ...), an :class:`~actlab.core.spec.Init`, an :class:`Initializer` or any such callable.
    """
    if init is None:
        return default_init(activation)
    if isinstance(init, Init):
        return Initializer(init.scheme, init.gain)
    if isinstance(init, str):
        scheme, _, dist = init.partition("_")
        return Initializer(scheme, None, dist or "normal")
    if callable(init):
        return init
    raise TypeError(f"init must be None, a scheme name, an Init or a callable, got {type(init).__name__}")
