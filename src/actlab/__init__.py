"""actlab: neural-network activation functions defined exactly, differentiated exactly, measured and compared.

``import actlab`` needs only NumPy and SciPy; torch, matplotlib and scikit-learn load lazily in their layers.
"""
from .core import Activation, ActivationSpec, aliases, get, names, spec, specs
from .core.activation import get_num_threads, set_num_threads

__version__ = "0.1.0"


def __getattr__(name):
    # heavy layers load on first use, so ``import actlab`` needs only NumPy and SciPy
    if name in ("compare", "nn", "torch", "analysis", "plotting", "sklearn"):
        import importlib
        return importlib.import_module(f"actlab.{name}")
    raise AttributeError(f"module 'actlab' has no attribute {name!r}")
__all__ = ["Activation", "ActivationSpec", "aliases", "get", "get_num_threads", "names", "set_num_threads", "spec",
           "specs", "__version__"]
