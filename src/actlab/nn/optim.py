r"""Optimisers: :class:`SGD` (momentum, Nesterov, weight decay) and :class:`Adam`.

Both update ``p.data`` in place from ``p.grad`` and keep the parameters' dtype (hyper-parameters are
Python floats, so float32 parameters are never promoted).  The update rules are PyTorch's:

* SGD: :math:`g \leftarrow g + \lambda\theta`; :math:`v \leftarrow \mu v + g`;
  :math:`\theta \leftarrow \theta - \eta\,(g + \mu v \text{ if Nesterov else } v)`.
* Adam: :math:`m \leftarrow \beta_1 m + (1-\beta_1) g`, :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`,
  :math:`\theta \leftarrow \theta - \eta\,\hat m / (\sqrt{\hat v} + \epsilon)` with bias-corrected
  :math:`\hat m, \hat v`.
"""
from __future__ import annotations

import math

import numpy as np

from .module import Module, Parameter


def _params(params) -> list[Parameter]:
    if isinstance(params, Module):
        params = params.parameters()
    params = list(params)
    for p in params:
        if not isinstance(p, Parameter):
            raise TypeError(f"optimiser expects Parameters (or a Module), got {type(p).__name__}")
    return params


class Optimizer:
    """Base class: holds the parameter list; ``step()`` updates, ``zero_grad()`` clears gradients."""

    def __init__(self, params, lr: float) -> None:
        self.params = _params(params)
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.lr = float(lr)

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise ValueError("momentum and weight_decay must be >= 0")
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.momentum, self.nesterov, self.weight_decay = float(momentum), bool(nesterov), float(weight_decay)
        self._velocity = [np.zeros_like(p.data) for p in self.params] if momentum else None

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            if self._velocity is not None:
                v = self._velocity[i]
                v *= self.momentum
                v += g
                g = g + self.momentum * v if self.nesterov else v
            p.data -= self.lr * g

    def __repr__(self) -> str:
        return (f"SGD(lr={self.lr}, momentum={self.momentum}, nesterov={self.nesterov}, "
                f"weight_decay={self.weight_decay})")


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction and optional L2 weight decay (added to the gradient)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        self.beta1, self.beta2, self.eps, self.weight_decay = float(b1), float(b2), float(eps), float(weight_decay)
        self.t = 0
        self._m = [np.zeros_like(p.data) for p in self.params]
        self._v = [np.zeros_like(p.data) for p in self.params]

    def step(self) -> None:
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        step_size = self.lr * math.sqrt(c2) / c1
        eps = self.eps * math.sqrt(c2)
        for p, m, v in zip(self.params, self._m, self._v):
            g = p.grad
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            p.data -= step_size * m / (np.sqrt(v) + eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas=({self.beta1}, {self.beta2}), eps={self.eps}, weight_decay={self.weight_decay})"


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer, params, **kwargs) -> Optimizer:
    """An optimiser bound to ``params`` from an :class:`Optimizer` (returned as is) or a name ('sgd', 'adam')."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()](params, **kwargs)
    raise ValueError(f"unknown optimizer {optimizer!r}; valid: {', '.join(OPTIMIZERS)}")
