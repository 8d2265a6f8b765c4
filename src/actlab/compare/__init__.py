"""Choose an activation for a dataset by cross-validation (``actlab compare``).

The package is callable: ``actlab.compare(X, y, ...)`` is :func:`actlab.compare.api.compare`.
"""
import sys
import types

from .api import DEFAULT_CANDIDATES, CompareResult, compare, resolve_activations
from .datasets import DATASETS, DataError, Dataset, load, load_csv

__all__ = ["DATASETS", "DEFAULT_CANDIDATES", "CompareResult", "DataError", "Dataset", "compare", "load", "load_csv",
           "resolve_activations"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
