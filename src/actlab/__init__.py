"""actlab: neural-network activation functions defined exactly, differentiated exactly, measured and compared.

``import actlab`` needs only NumPy and SciPy; torch, matplotlib and scikit-learn load lazily in their layers.
"""
from .core import Activation, ActivationSpec, aliases, get, names, spec, specs

__version__ = "0.1.0"
__all__ = ["Activation", "ActivationSpec", "aliases", "get", "names", "spec", "specs", "__version__"]
