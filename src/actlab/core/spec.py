"""Metadata records: :class:`Param` (a validated parameter) and :class:`ActivationSpec` (one activation).

A spec is declared once, in its own file under ``actlab/core/library``; everything else (tests, CLI,
plots, torch bridge, compare) iterates the registry.  Metadata that depends on parameters (``elu``'s
limit at -inf is ``-alpha``) may be given as a callable ``params -> value``; :meth:`ActivationSpec.resolve`
evaluates it for a concrete parameter set.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

SMOOTHNESS = ("discontinuous", "C0", "C1", "C2", "Cinf")
FAMILIES = ("linear", "step", "sigmoid-like", "rectifier", "exponential", "self-gated", "shrink",
            "periodic", "vector")
INITS = ("he", "lecun", "glorot")


@dataclass(frozen=True)
class Param:
    """One parameter of an activation, with its domain.

    ``kind`` is ``"float"``, ``"int"`` or ``"choice"``.  For numbers, ``low``/``high`` bound the value
    (``low_open``/``high_open`` make the bound strict); for choices, ``choices`` lists the allowed values.
    ``learnable`` marks parameters a network trains (PReLU's slope, Snake's alpha).
    """

    name: str
    default: Any
    doc: str = ""
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()
    learnable: bool = False

    def allowed(self) -> str:
        """Human-readable domain, e.g. ``(0, inf)`` or ``one of 'none', 'tanh'``."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        left = "(" if (self.low is None or self.low_open) else "["
        right = ")" if (self.high is None or self.high_open) else "]"
        what = "an integer" if self.kind == "int" else "a finite number"
        return f"{what} in {left}{lo}, {hi}{right}"

    def validate(self, value: Any, owner: str = "") -> Any:
        """Return ``value`` converted to this parameter's type, or raise ``ValueError`` naming the problem."""
        where = f"{owner}: " if owner else ""

        def fail() -> ValueError:
            return ValueError(f"{where}invalid value {value!r} for parameter '{self.name}'; "
                              f"expected {self.allowed()}")

        if self.kind == "choice":
            if value not in self.choices:
                raise fail()
            return value
        if isinstance(value, bool) or isinstance(value, (str, bytes)) or value is None:
            raise fail()
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise fail() from None
        if not math.isfinite(number):
            raise fail()
        if self.kind == "int":
            if number != int(number):
                raise fail()
            number = int(number)
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            raise fail()
        if self.high is not None and (number > self.high or (self.high_open and number == self.high)):
            raise fail()
        return number


@dataclass(frozen=True)
class Kink:
    """A point where ``f`` is not differentiable (or not continuous), and the derivative used there."""

    x: Any                      # float, or callable params -> float
    derivative: Any             # the value our ``derivative`` returns at ``x`` (PyTorch's convention)
    note: str = ""


@dataclass(frozen=True)
class Init:
    """Recommended weight initialisation for layers followed by this activation: scheme and gain."""

    scheme: str                 # "he" | "lecun" | "glorot"
    gain: float = 1.0


@dataclass(frozen=True)
class ActivationSpec:
    """Everything actlab knows about one activation.

    Elementwise specs provide ``fn(x, **p)``, ``derivative(x, **p)`` and ``second_derivative(x, **p)``,
    NumPy kernels that receive a float64 array and return float64 (the bound :class:`Activation`
    handles conversion, dtype and shape).  Vector specs provide ``fn(x, axis, **p)`` and
    ``vjp(x, cotangent, axis, **p)``.

    ``mp_fn`` (and optionally ``mp_derivative``, ``mp_second_derivative``) give the same function in
    ``mpmath`` as the test oracle: ``mp_fn(mp, x, **p)`` with ``mp`` the mpmath context.
    """

    name: str
    class_name: str
    fn: Callable
    params: tuple[Param, ...] = ()
    derivative: Callable | None = None
    second_derivative: Callable | None = None
    vjp: Callable | None = None
    kind: str = "elementwise"           # or "vector"
    aliases: tuple[str, ...] = ()
    variants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # alias -> fixed params
    # documentation
    formula: str = ""
    derivative_formula: str = ""
    second_derivative_formula: str = ""
    description: str = ""
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    family: str = "rectifier"
    year: int | None = None
    reference: str = ""
    # declared properties (values or callables of the params dict)
    output_range: Any = (-math.inf, math.inf)   # (low, high) closure of the image
    monotonic: Any = True                        # non-decreasing
    smoothness: Any = "Cinf"
    zero_centred: Any = False
    saturating: Any = ()                         # subset of ("-inf", "+inf"): f' -> 0 there
    self_normalising: bool = False
    f0: Any = 0.0
    fprime0: Any = None                          # None where f'(0) is a kink and given by ``kinks``
    limits: Any = (-math.inf, math.inf)          # (f(-inf), f(+inf))
    kinks: Any = ()                              # tuple[Kink, ...]
    init: Any = Init("glorot", 1.0)
    param_derivative: Callable | None = None     # (x, **p) -> {name: df/dparam} for learnable params
    # kernels whose every result is one correctly rounded operation (max, clip, x * slope): float64 input is
    # computed in float64, which is then exact; widening to longdouble would round twice and cost time
    single_rounding: bool = False
    # kernels that never round (selections, comparisons, exact constants: relu, relu6, identity) run in the
    # input's own dtype for every dtype: no widening, no chunked temporaries (implies single_rounding)
    exact: bool = False
    random: bool = False                         # samples in training mode (rrelu)
    sample: Callable | None = None               # (activation, x, rng) -> output, for random specs
    check_params: Callable | None = None         # cross-parameter checks, raise ValueError
    # test oracle
    mp_fn: Callable | None = None
    mp_derivative: Callable | None = None
    mp_second_derivative: Callable | None = None
    # sampler for parameter values to test besides defaults: rng -> dict
    sample_params: Callable | None = None

    def resolve(self, attribute: str, params: Mapping[str, Any]) -> Any:
        """Value of a declared property for concrete ``params`` (callables are evaluated)."""
        value = getattr(self, attribute)
        return value(params) if callable(value) else value

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    @property
    def learnable(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.learnable)

    def properties(self, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """All declared properties resolved for ``params`` (defaults where omitted)."""
        p = {**self.defaults(), **(params or {})}
        keys = ("output_range", "monotonic", "smoothness", "zero_centred", "saturating", "f0",
                "fprime0", "limits", "kinks", "init")
        out = {k: self.resolve(k, p) for k in keys}
        out["self_normalising"] = self.self_normalising
        out["kinks"] = tuple(Kink(k.x(p) if callable(k.x) else k.x,
                                  k.derivative(p) if callable(k.derivative) else k.derivative, k.note)
                             for k in out["kinks"])
        return out
