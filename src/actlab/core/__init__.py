"""Core layer: NumPy/SciPy only.  Specs, registry, numerics and the activation library."""
from .activation import Activation
from .registry import aliases, get, names, register, spec, specs
from .spec import ActivationSpec, Init, Kink, Param

__all__ = ["Activation", "ActivationSpec", "Init", "Kink", "Param", "aliases", "get", "names", "register",
           "spec", "specs"]
