"""The registry: every activation registers itself once; ``get``/``names``/``specs`` read it.

Activation modules under ``actlab.core.library`` are discovered automatically, so adding an activation
touches exactly one file.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Any, Mapping

from .activation import Activation
from .spec import ActivationSpec

_SPECS: dict[str, ActivationSpec] = {}
_ALIASES: dict[str, tuple[str, dict[str, Any]]] = {}   # normalised key -> (canonical, fixed params)
_LOADED = False


def normalise(name: str) -> str:
    """Case-insensitive key where ``-``, ``_`` and spaces are equivalent: ``'Leaky ReLU' -> 'leaky_relu'``."""
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def register(spec: ActivationSpec) -> ActivationSpec:
    """Add ``spec`` to the registry (called at import time by each library module)."""
    keys = [spec.name, *spec.aliases, *spec.variants]
    for key in keys:
        norm = normalise(key)
        if norm in _ALIASES and _ALIASES[norm][0] != spec.name:
            raise ValueError(f"name {key!r} of {spec.name} is already used by {_ALIASES[norm][0]}")
    _SPECS[spec.name] = spec
    for key in keys:
        _ALIASES[normalise(key)] = (spec.name, dict(spec.variants.get(key, {})))
    return spec


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    from . import library
    for module in sorted(pkgutil.iter_modules(library.__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{library.__name__}.{module.name}")
    _LOADED = True


def names() -> list[str]:
    """Canonical names of all registered activations, sorted."""
    _load()
    return sorted(_SPECS)


def specs() -> list[ActivationSpec]:
    """Metadata records of all registered activations, sorted by name."""
    _load()
    return [_SPECS[n] for n in sorted(_SPECS)]


def aliases() -> dict[str, str]:
    """Every accepted (normalised) name -> canonical name."""
    _load()
    return {k: v[0] for k, v in sorted(_ALIASES.items())}


def spec(name: str) -> ActivationSpec:
    """The spec for a name or alias; ``ValueError`` listing valid names if unknown."""
    canonical, _ = _lookup(name)
    return _SPECS[canonical]


def _lookup(name: str) -> tuple[str, dict[str, Any]]:
    _load()
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    key = normalise(name)
    if key in _ALIASES:
        return _ALIASES[key]
    close = difflib.get_close_matches(key, list(_ALIASES), n=1, cutoff=0.6)
    hint = f" Did you mean '{_ALIASES[close[0]][0] if close[0] not in _SPECS else close[0]}'?" if close else ""
    raise ValueError(f"unknown activation {name!r}.{hint} Valid names: {', '.join(sorted(_SPECS))}")


def get(identifier: Any, **params: Any) -> Activation:
    """Return a bound activation.

    ``identifier`` is a canonical name, an alias (case-insensitive; ``-``, ``_``, space equivalent), a
    config dict from ``f.to_config()``, an :class:`Activation` (returned as is, or rebound with
    ``params``) or an :class:`ActivationSpec`.  Keyword ``params`` override defaults and are validated:
    a bad value raises ``ValueError`` naming the parameter, the value and the allowed domain.
    """
    if isinstance(identifier, Activation):
        return Activation(identifier.spec, **{**identifier.params, **params}) if params else identifier
    if isinstance(identifier, ActivationSpec):
        return Activation(identifier, **params)
    if isinstance(identifier, Mapping):
        if "name" not in identifier:
            raise ValueError(f"activation config must have a 'name' key, got keys {sorted(identifier)}")
        extra = set(identifier) - {"name", "params"}
        if extra:
            raise ValueError(f"unexpected key(s) {sorted(extra)} in activation config; expected 'name' and 'params'")
        return get(identifier["name"], **{**dict(identifier.get("params") or {}), **params})
    canonical, fixed = _lookup(identifier)
    clash = set(fixed) & set(params)
    if clash:
        raise ValueError(f"{identifier!r} fixes parameter(s) {sorted(clash)}; use {canonical!r} to set them")
    return Activation(_SPECS[canonical], **{**fixed, **params})
