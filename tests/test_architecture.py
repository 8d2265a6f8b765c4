"""Layers import only downward, and ``import actlab`` needs only NumPy and SciPy (ast-based, like import-linter)."""
import ast
import subprocess
import sys
from pathlib import Path

import actlab

SRC = Path(actlab.__file__).parent
# lower layers first; a module may import actlab layers at or below its own
LAYERS = ["core", "nn", "torch", "analysis", "plotting", "compare", "sklearn", "cli"]
THIRD_PARTY = {   # what each layer may import beyond the standard library and lower layers' allowances
    "core": {"numpy", "scipy"},
    "nn": set(),
    "torch": {"torch"},
    "analysis": set(),
    "plotting": {"matplotlib"},
    "compare": {"pandas", "sklearn", "torch", "ray", "rich"},
    "sklearn": {"sklearn"},
    "cli": {"typer", "rich", "click"},
}


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.module


def _layer_of(module: str):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_layers_import_only_downward():
    stdlib = set(sys.stdlib_module_names)
    problems = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        layer = rel.parts[0] if rel.parts[0] in LAYERS else None
        allowed_layers = LAYERS[: LAYERS.index(layer) + 1] if layer else ["core"]
        allowed_third = set().union(*(THIRD_PARTY[l] for l in allowed_layers))
        for module in _imports(path):
            top = module.split(".")[0]
            if top == "actlab":
                target = _layer_of(module)
                if target is not None and target not in allowed_layers:
                    problems.append(f"{rel}: imports {module} (layer {target} is above {layer})")
            elif top not in stdlib and top not in allowed_third and top != "__future__":
                problems.append(f"{rel}: imports third-party {module!r}, not allowed in layer {layer}")
    assert not problems, "\n".join(problems)


def test_import_actlab_loads_no_optional_dependency():
    code = ("import sys, actlab; actlab.names(); "
            "bad = [m for m in ('torch', 'matplotlib', 'sklearn', 'pandas', 'typer', 'rich', 'ray') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import actlab pulled in: {out}"
