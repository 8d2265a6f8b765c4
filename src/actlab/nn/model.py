"""Containers: :class:`Sequential` and :class:`MLP` (per-layer activations from the catalog)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..core import Activation as _BoundActivation
from ..core import ActivationSpec, get
from .init import default_init
from .layers import Activation, Dense, input_size_for
from .module import Module, check_dtype, make_rng


class Sequential(Module):
    """Layers applied in order; ``backward`` runs them in reverse."""

    def __init__(self, *layers: Module) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for layer in layers:
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential takes Modules, got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def append(self, layer: Module) -> "Sequential":
        self.layers.append(layer)
        return self

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)


def _is_activation_like(a) -> bool:
    return isinstance(a, (str, dict, _BoundActivation, ActivationSpec))


class MLP(Sequential):
    r"""Multi-layer perceptron ``Dense -> act -> ... -> Dense [-> output]``.

    Args:
        sizes: ``[in, hidden_1, ..., hidden_k, out]``.
        activation: one activation for every hidden layer, or a list with one per hidden layer; each is
            a name, alias, config dict, bound ``actlab.Activation`` or ``ActivationSpec``.  For vector
            activations that shrink their axis (``glu``, ``maxout``) the preceding ``Dense`` gets the
            wider output the activation needs so that the hidden width is ``hidden_i``.
        output: ``None`` (logits / linear output) or an activation applied to the output ('sigmoid',
            'softmax', ...).
        init: ``None`` (each ``Dense`` uses the default init of the activation that follows it) or an
            init accepted by :class:`Dense` for all layers.
        per_unit: learnable activation parameters per hidden unit (``num_parameters = hidden_i``)
            rather than one shared scalar per layer.
        seed, rng: one generator draws every layer's weights (and RReLU samples), in order.
        dtype: float32 or float64 for all parameters.
        precision: 'exact' or 'fast', passed to every :class:`~actlab.nn.layers.Activation` (see there).
    """

    def __init__(self, sizes: Sequence[int], activation="relu", output=None, *, init=None, per_unit: bool = False,
                 seed=None, rng=None, dtype=np.float64, precision: str = "exact") -> None:
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least [in, out] sizes, got {sizes}")
        self.dtype = check_dtype(dtype)
        self.sizes = sizes
        gen = make_rng(rng, seed)
        hidden = len(sizes) - 2
        acts = [activation] * hidden if _is_activation_like(activation) else list(activation)
        if len(acts) != hidden:
            raise ValueError(f"{hidden} hidden layer(s) need {hidden} activation(s), got {len(acts)}")
        layers: list[Module] = []
        width = sizes[0]
        for units, act in zip(sizes[1:-1], acts):
            f = get(act)
            n_param = units if per_unit and f.spec.learnable and not f.is_vector else 1
            act_layer = Activation(f, num_parameters=n_param, rng=gen, dtype=self.dtype, precision=precision)
            dense_out = input_size_for(act_layer, units)
            layers.append(Dense(width, dense_out, init=init if init is not None else default_init(f), rng=gen,
                                dtype=self.dtype))
            layers.append(act_layer)
            width = units
        layers.append(Dense(width, sizes[-1], init=init if init is not None else default_init(None), rng=gen,
                            dtype=self.dtype))
        if output is not None:
            layers.append(Activation(output, rng=gen, dtype=self.dtype, precision=precision))
        super().__init__(*layers)

    def extra_repr(self) -> str:
        return f"sizes={self.sizes}, dtype={self.dtype.name}"
