"""PyTorch bridge: every catalog activation as a functional form and a ``torch.nn.Module``.

``import actlab`` never imports this package (torch is optional: ``pip install actlab[torch]``).

* :mod:`actlab.torch.functional` -- ``apply(name, x, **params)`` and ``functional.<name>(x, **params)``;
  the module docstring explains the native / torch-formula / NumPy-fallback paths and every divergence
  from native torch;
* :mod:`actlab.torch.modules` -- :func:`get`, generated classes (``actlab.torch.ELU(alpha=1.0)``),
  :func:`replace_activations`;
* :mod:`actlab.torch.formulas` -- the torch formulations, keyed by catalog name.
"""
from . import functional
from .functional import apply, path_for, uses_native, uses_numpy_fallback
from .modules import ActivationModule, class_for, get, native_activation_types, replace_activations

__all__ = ["ActivationModule", "apply", "path_for", "class_for", "functional", "get", "native_activation_types",
           "replace_activations", "uses_native", "uses_numpy_fallback"]


def __getattr__(attr: str):
    from . import modules
    return getattr(modules, attr)      # generated classes: actlab.torch.ELU, actlab.torch.PReLU, ...


def __dir__():
    from . import modules
    return sorted(set(globals()) | set(modules.class_names()))
