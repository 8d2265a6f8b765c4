"""Parameters and the :class:`Module` base class of the from-scratch NumPy network.

The shape follows micrograd / numpy-ml: ``forward(x)`` computes the output and caches exactly what
``backward`` needs; ``backward(grad)`` receives :math:`\\partial L/\\partial y`, **adds** the parameter
gradients into ``p.grad`` (so gradients of several backward passes accumulate until ``zero_grad``) and
returns :math:`\\partial L/\\partial x`.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype) -> np.dtype:
    """``dtype`` as a ``numpy.dtype``; networks compute in float32 or float64 only."""
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"network dtype must be float32 or float64, got {dt}")
    return dt


def make_rng(rng=None, seed=None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from ``rng`` (a Generator, or an int seed) or ``seed``."""
    if rng is not None and seed is not None:
        raise ValueError("give either rng or seed, not both")
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(seed if rng is None else rng)


class Parameter:
    """A trainable array ``data`` and its accumulated gradient ``grad`` (same shape and dtype).

    Optimisers update ``data`` in place, so layers holding a reference see the new values.
    """

    __slots__ = ("data", "grad", "name")

    def __init__(self, data, name: str = "") -> None:
        arr = np.array(data, copy=True)
        if arr.dtype.kind != "f":
            raise TypeError(f"parameter {name!r} must be a float array, got dtype {arr.dtype}")
        self.data = arr
        self.grad = np.zeros_like(arr)
        self.name = name

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def zero_grad(self) -> None:
        self.grad[...] = 0

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.shape}, dtype={self.dtype})"


class Module:
    """Base class: subclasses implement ``forward`` and ``backward``.

    Parameters and sub-modules are discovered from the instance attributes (a :class:`Parameter`, a
    :class:`Module`, or a list/tuple of modules), in the order they were assigned.
    """

    training: bool = True

    # ------------------------------------------------------------------ computation
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    # ------------------------------------------------------------------ structure
    def _items(self):
        for key, value in vars(self).items():
            if isinstance(value, (Parameter, Module)):
                yield key, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Parameter, Module)):
                        yield f"{key}.{i}", item

    def children(self) -> Iterator["Module"]:
        for _, value in self._items():
            if isinstance(value, Module):
                yield value

    def modules(self) -> Iterator["Module"]:
        """This module and all its descendants, depth first."""
        yield self
        for child in self.children():
            yield from child.modules()

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Parameter]]:
        out, seen = [], set()
        for key, value in self._items():
            name = f"{prefix}{key}"
            if isinstance(value, Parameter):
                pairs = [(name, value)]
            else:
                pairs = value.named_parameters(prefix=name + ".")
            for n, p in pairs:
                if id(p) not in seen:
                    seen.add(id(p))
                    out.append((n, p))
        return out

    def parameters(self) -> list[Parameter]:
        """All trainable parameters (each once), in a stable order."""
        return [p for _, p in self.named_parameters()]

    @property
    def grads(self) -> list[np.ndarray]:
        """The accumulated gradients, in the order of :meth:`parameters`."""
        return [p.grad for p in self.parameters()]

    def num_parameters(self) -> int:
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    # ------------------------------------------------------------------ mode
    def train(self, mode: bool = True) -> "Module":
        """Training mode (random activations sample, e.g. RReLU); returns ``self``."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (deterministic); returns ``self``."""
        return self.train(False)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of all parameter arrays by name."""
        return {n: p.data.copy() for n, p in self.named_parameters()}

    def load_state_dict(self, state: dict) -> None:
        """Copy arrays from ``state`` into the parameters (shapes must match; dtype is kept)."""
        own = dict(self.named_parameters())
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"state mismatch: missing {missing}, unexpected {unexpected}")
        for name, p in own.items():
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ValueError(f"{name}: shape {value.shape} does not match parameter shape {p.shape}")
            p.data[...] = value

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        kids = list(self._items())
        mods = [(k, v) for k, v in kids if isinstance(v, Module)]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not mods:
            return head + ")"
        body = "\n".join(f"  ({k}): " + repr(v).replace("\n", "\n  ") for k, v in mods)
        return head + "\n" + body + "\n)"


def require_cache(module: Module, value):
    """Raise a clear error when ``backward`` is called before ``forward``."""
    if value is None:
        raise RuntimeError(f"{type(module).__name__}.backward called before forward")
    return value
