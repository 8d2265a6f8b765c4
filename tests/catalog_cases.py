"""Registry-driven test cases: every registered activation, at its defaults and at sampled parameters."""
from __future__ import annotations

import numpy as np
import pytest

import actlab

SPECS = actlab.specs()
ELEMENTWISE = [s for s in SPECS if s.kind == "elementwise"]
VECTOR = [s for s in SPECS if s.kind == "vector"]


def param_sets(spec):
    """Defaults, plus up to two sampled parameter sets from ``spec.sample_params``."""
    sets = [spec.defaults()]
    if spec.sample_params is not None:
        for i in range(2):   # a fresh generator per draw, so samplers using rng.choice still vary
            p = {**spec.defaults(), **spec.sample_params(np.random.default_rng([1234, i]))}
            if p not in sets:
                sets.append(p)
    return sets


def cases(specs):
    out = []
    for s in specs:
        for i, p in enumerate(param_sets(s)):
            label = s.name if i == 0 else s.name + "[" + ",".join(f"{k}={v}" for k, v in p.items()) + "]"
            out.append(pytest.param(s, p, id=label))
    return out


ELEMENTWISE_CASES = cases(ELEMENTWISE)
VECTOR_CASES = cases(VECTOR)
