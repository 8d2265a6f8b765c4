r"""Every catalog activation as a :class:`torch.nn.Module`.

* :func:`get` -- ``get("elu", alpha=0.5)``, an alias, a config dict (``module.to_config()``), a spec, a bound
  ``actlab.Activation`` or a module (returned as is);
* named classes generated from the registry with each spec's ``class_name`` (``actlab.torch.ELU(alpha=1.0)``,
  ``actlab.torch.PReLU(num_parameters=16)``); ``repr`` shows the parameters, e.g. ``ELU(alpha=1.0)``;
* :func:`replace_activations` swaps the activation modules of an existing model.

Learnable parameters (``spec.learnable``: PReLU's ``weight``, Swish's ``beta``, Snake's ``alpha``, ...) are
:class:`torch.nn.Parameter` of shape ``(num_parameters,)`` initialised to the given value; as in
``torch.nn.PReLU``, ``num_parameters > 1`` means one value per channel along dim 1 (dim 0 for 1-D input).
Random activations (``rrelu``) sample in training mode (from ``generator`` if given, else torch's global
generator) and use their mean slope in evaluation mode.  Vector activations act along ``dim`` (default -1).
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Mapping

import torch
from torch import nn

from ..core import registry
from ..core.activation import Activation as _CoreActivation
from ..core.spec import ActivationSpec
from . import functional as _F


class ActivationModule(nn.Module):
    """A catalog activation as a module.  Subclasses generated per spec set the class attribute ``spec``."""

    spec: ActivationSpec | None = None

    def __init__(self, *args: Any, name: Any = None, dim: int = -1, num_parameters: int = 1,
                 generator: torch.Generator | None = None, **params: Any) -> None:
        super().__init__()
        spec = type(self).spec
        if spec is None:
            if name is None:
                raise TypeError("ActivationModule needs a name (or use actlab.torch.get / a named class)")
            act = registry.get(name) if isinstance(name, str) else registry.get(name)
            spec = act.spec
            params = {**{k: v for k, v in act.params.items() if k in _fixed(name)}, **params}
        if len(args) > len(spec.params):
            raise TypeError(f"{spec.class_name} takes at most {len(spec.params)} positional parameter(s) "
                            f"({', '.join(spec.param_names) or 'none'}), got {len(args)}")
        for p, value in zip(spec.params, args):
            if p.name in params:
                raise TypeError(f"{spec.class_name}: got multiple values for parameter {p.name!r}")
            params[p.name] = value
        bound = _CoreActivation(spec, **params)          # validates names, values, cross-checks
        if int(num_parameters) != num_parameters or num_parameters < 1:
            raise ValueError(f"{spec.class_name}: num_parameters must be a positive integer, got {num_parameters!r}")
        if num_parameters != 1 and not spec.learnable:
            raise ValueError(f"{spec.class_name} has no learnable parameter; num_parameters must be 1")
        self.spec_instance = spec
        self.activation_name = spec.name
        self.params = {k: v for k, v in bound.params.items() if k not in spec.learnable}
        self.init_params = dict(bound.params)
        self.num_parameters = int(num_parameters)
        self.dim = dim
        self.generator = generator
        for k in spec.learnable:
            self.register_parameter(k, nn.Parameter(torch.full((self.num_parameters,), float(bound.params[k]),
                                                               dtype=torch.get_default_dtype())))

    # ------------------------------------------------------------------ forward
    def _learn(self, x: torch.Tensor) -> dict:
        out = {}
        for k in self.spec_instance.learnable:
            p = getattr(self, k)
            if self.num_parameters == 1:
                # shape (1,) broadcasts against any x with a dimension; a reshape would add an autograd node
                out[k] = p if x.dim() else p.reshape(())
            else:
                ch = 1 if x.dim() >= 2 else 0
                if x.dim() == 0 or x.shape[ch] != self.num_parameters:
                    raise ValueError(f"{self.spec_instance.class_name}: num_parameters={self.num_parameters} "
                                     f"does not match the channel size of input shape {tuple(x.shape)}")
                shape = [1] * x.dim()
                shape[ch] = self.num_parameters
                out[k] = p.reshape(shape)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        impl = self.__dict__.get("_bound")
        if impl is not None and impl.plain:          # no learnable, random or vector parts: least Python
            return _F.apply_elementwise(impl, x if x.is_floating_point() else _F._as_float(x))
        if impl is not None and impl.plain_vector:
            return _F.apply_bound(impl, x if x.is_floating_point() else _F._as_float(x), dim=self.dim)
        if impl is not None and impl.learnable_elementwise and self.num_parameters == 1 and x.dim():
            # one value per parameter, shape (1,), broadcasts as it is: no per-call reshaping or dicts (a frozen
            # one that a compiled op takes as a number, silu's beta, goes to that op: _extension_param)
            values = [self._parameters[k] for k in impl.learn_names]
            return _F.apply_elementwise(impl, x if x.is_floating_point() else _F._as_float(x), values)
        spec = self.spec_instance
        learn = self._learn(x)
        if impl is None:                   # static parameters are fixed: bind once (not saved in state_dict)
            impl = self.__dict__["_bound"] = _F._bind(spec, {**self.params, **learn})[0]
        x = _F._as_float(x)
        values = [learn[k] for k in impl.learn_names]
        if spec.kind == "vector":
            return _F.apply_bound(impl, x, values, dim=self.dim)
        if spec.random:
            return _F.apply_bound(impl, x, values, training=self.training, generator=self.generator)
        return _F.apply_bound(impl, x, values)

    def __getstate__(self):
        # the spec (with its mpmath oracle lambdas) and the bound-path cache are looked up again on load,
        # so pickle / torch.save of a whole model works
        state = dict(self.__dict__)
        state.pop("_bound", None)
        state.pop("spec_instance", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self.spec_instance = registry.spec(self.activation_name)

    # ------------------------------------------------------------------ identity
    def extra_repr(self) -> str:
        parts = [f"{k}={_fmt(v)}" for k, v in self.init_params.items()]
        if self.num_parameters != 1:
            parts.append(f"num_parameters={self.num_parameters}")
        if self.spec_instance.kind == "vector":
            parts.append(f"dim={self.dim}")
        return ", ".join(parts)

    def _get_name(self) -> str:        # nn.Module's repr uses this
        return self.spec_instance.class_name

    def to_config(self) -> dict:
        """Serialisable description; :func:`get` rebuilds an equivalent (freshly initialised) module."""
        cfg: dict = {"name": self.activation_name, "params": dict(self.init_params)}
        if self.spec_instance.kind == "vector":
            cfg["dim"] = self.dim
        if self.num_parameters != 1:
            cfg["num_parameters"] = self.num_parameters
        return cfg


def _fmt(v: Any) -> str:
    return repr(float(v)) if isinstance(v, float) else repr(v)


def _fixed(name: Any) -> set:
    """Parameters an alias fixes (``variants``), so ``get('some_variant')`` keeps them."""
    if not isinstance(name, str):
        return set()
    canonical, fixed = registry._lookup(name)
    return set(fixed)


# ============================================================================ generated classes
_CLASSES: dict[str, type] = {}


def class_for(spec: ActivationSpec | str) -> type:
    """The generated module class of ``spec`` (created once, cached, picklable as ``modules.<class_name>``)."""
    if isinstance(spec, str):
        spec = registry.spec(spec)
    cls = _CLASSES.get(spec.name)
    if cls is None:
        sig = ", ".join(f"{p.name}={p.default!r}" for p in spec.params)
        doc = (f"{spec.description}\n\n.. math:: {spec.formula}\n\n"
               f"Args: {sig or 'none'}" + (", dim=-1" if spec.kind == "vector" else "")
               + (", num_parameters=1 (learnable: " + ", ".join(spec.learnable) + ")" if spec.learnable else "")
               + f"\n\nShape: input (*), output {'(*) except along dim' if spec.kind == 'vector' else '(*)'}."
               + f"\n\nExample: ``actlab.torch.{spec.class_name}()(torch.randn(4, 8))``")
        cls = type(spec.class_name, (ActivationModule,), {"spec": spec, "__doc__": doc, "__module__": __name__})
        _CLASSES[spec.name] = cls
        globals().setdefault(spec.class_name, cls)
    return cls


def class_names() -> dict[str, str]:
    """class_name -> canonical name, for every registered activation."""
    return {s.class_name: s.name for s in registry.specs()}


def __getattr__(attr: str):
    for s in registry.specs():
        if s.class_name == attr:
            return class_for(s)
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


for _spec in registry.specs():
    class_for(_spec)
del _spec


def get(identifier: Any, **kwargs: Any) -> nn.Module:
    """A module for ``identifier``: catalog name or alias, config dict, spec, bound activation or module.

    ``kwargs`` are the activation's parameters plus ``dim``, ``num_parameters``, ``generator``.  Unknown
    names raise ``ValueError`` listing the valid ones (from the catalog).
    """
    if isinstance(identifier, nn.Module):
        if kwargs:
            raise ValueError("get(module) takes no parameters")
        return identifier
    if isinstance(identifier, _CoreActivation):
        return class_for(identifier.spec)(**{**identifier.params, **kwargs})
    if isinstance(identifier, ActivationSpec):
        return class_for(identifier)(**kwargs)
    if isinstance(identifier, Mapping):
        if "name" not in identifier:
            raise ValueError(f"activation config must have a 'name' key, got keys {sorted(identifier)}")
        extra = set(identifier) - {"name", "params", "dim", "num_parameters"}
        if extra:
            raise ValueError(f"unexpected key(s) {sorted(extra)} in activation config")
        opts = {k: identifier[k] for k in ("dim", "num_parameters") if k in identifier}
        return get(identifier["name"], **{**dict(identifier.get("params") or {}), **opts, **kwargs})
    if isinstance(identifier, str):
        canonical, fixed = registry._lookup(identifier)
        clash = set(fixed) & set(kwargs)
        if clash:
            raise ValueError(f"{identifier!r} fixes parameter(s) {sorted(clash)}; use {canonical!r} to set them")
        return class_for(canonical)(**{**fixed, **kwargs})
    raise TypeError(f"cannot build an activation module from {type(identifier).__name__}")


# ============================================================================ replace_activations
def native_activation_types() -> tuple[type, ...]:
    """Every activation module class of ``torch.nn`` (found by introspecting ``torch.nn.modules.activation``)."""
    from torch.nn.modules import activation as mod
    out = []
    for obj in vars(mod).values():
        if (isinstance(obj, type) and issubclass(obj, nn.Module) and obj.__module__ == mod.__name__
                and obj is not nn.MultiheadAttention and not obj.__name__.startswith("_")):
            out.append(obj)
    return tuple(out)


def _matcher(types) -> Callable[[nn.Module], bool]:
    if types is None:
        classes = native_activation_types() + (ActivationModule,)
        return lambda m: isinstance(m, classes)
    if isinstance(types, (type, str)):
        types = (types,)
    classes, names = [], set()
    for t in types:
        if isinstance(t, type):
            classes.append(t)
        else:                       # a catalog name: its actlab class and the torch class of the same name
            s = registry.spec(t)
            names.add(s.name)
            native = getattr(nn, s.class_name, None)
            if isinstance(native, type) and issubclass(native, nn.Module):
                classes.append(native)
    classes = tuple(classes)

    def match(m: nn.Module) -> bool:
        if classes and isinstance(m, classes):
            return True
        return isinstance(m, ActivationModule) and m.activation_name in names
    return match


def replace_activations(model: nn.Module, new: Any, types: Any = None) -> int:
    """Replace activation modules inside ``model`` (recursively, in place); return how many were replaced.

    ``new`` is what :func:`get` accepts (name, alias, config, spec; a fresh module is built for every
    replaced one), a module (deep-copied for each replacement), or a callable ``old_module -> module``.
    ``types`` restricts what is replaced: classes and/or catalog names (a name matches the actlab module
    and the ``torch.nn`` class with the spec's ``class_name``); default: every ``torch.nn`` activation class
    (introspected) and every actlab activation module.  When ``new`` is a vector activation built from a
    name and the old module has a ``dim``, the dim is carried over.  The root module itself is never
    replaced (replace it yourself: ``model = get(new)``).
    """
    match = _matcher(types)

    def build(old: nn.Module) -> nn.Module:
        if isinstance(new, nn.Module):
            return copy.deepcopy(new)
        if callable(new) and not isinstance(new, (str, Mapping, ActivationSpec, _CoreActivation)):
            return new(old)
        module = get(new)
        if isinstance(module, ActivationModule) and module.spec_instance.kind == "vector":
            old_dim = getattr(old, "dim", None)
            if isinstance(old_dim, int):
                module.dim = old_dim
        return module

    count = 0

    def visit(parent: nn.Module) -> None:
        nonlocal count
        for child_name, child in list(parent._modules.items()):
            if child is None:
                continue
            if match(child):
                parent._modules[child_name] = build(child)
                count += 1
            else:
                visit(child)

    visit(model)
    return count
