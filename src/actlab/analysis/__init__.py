"""Analysis layer: properties measured numerically, and experiments, computed from the catalog.

Submodules load on first use (``actlab.analysis.properties``), so importing this package costs nothing.
"""
import importlib

__all__ = ["properties"]


def __getattr__(name):
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
