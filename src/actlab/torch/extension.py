r"""The compiled fast paths: fused float32 CPU kernels with a C++ autograd node (``csrc/actlab_ops.cpp``).

Why: in a small model, the accurate Python fast paths of :mod:`actlab.torch.fast` cost about 1.35x the
native modules, and what remains is dispatch (a Python ``autograd.Function`` alone adds ~22 us per
activation and step on a 200x64 tensor, each extra torch op ~5 us), not arithmetic.  The extension computes
``f`` and ``f'`` in one pass (in double from the float32 input, rounded once; SLEEF vector functions from
``libtorch_cpu`` and a double ``exp`` of its own) and registers ``torch.ops.actlab.<name>(x, param)`` with a
C++ autograd kernel, so a step costs what a native op costs.  Large inputs are spread over torch's intra-op
threads (``at::parallel_for``, with torch's own grain): the file is built with ``-fopenmp`` and linked
against the very OpenMP runtime torch loaded (:func:`_torch_openmp`), never a second one.  Where that
runtime is not found the kernels are serial and inputs above ``SERIAL_MAX_NUMEL`` elements take the
torch-op fast path, which torch parallelises.
Covered: the entries of :data:`actlab.torch.fast.FAST` marked ``compiled`` (sigmoid, tanh, gelu (exact), silu
with a scalar, non-trainable beta, hardswish, tanhshrink, hard_sigmoid and softsign; a double backward calls
back into the catalog's closed forms, ``actlab::derivative``), and row kernels for the entries with
``compiled_rows`` (softmax, softmin, log_softmax; once differentiable, like their torch-op path).

How: :func:`load` compiles the source once with ``torch.utils.cpp_extension`` (a C++ compiler and ninja;
about 20 s) into ``$ACTLAB_CACHE_DIR`` (default ``~/.cache/actlab``), keyed by the torch version, and loads
it.  It is optional: without a compiler or ninja, on a CPU without AVX2, off Linux, or with
``ACTLAB_TORCH_EXTENSION=0``, :func:`load` returns ``False`` and the Python fast paths are used (as they
are under ``torch.compile``, which fuses those itself).  :func:`status` says which, and why.
Both are checked against the catalog on every float32 (``tests/float32_sweep.py``).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

import torch

from .fast import FAST

SOURCE = Path(__file__).with_name("csrc") / "actlab_ops.cpp"
NAMES = tuple(name for name, entry in FAST.items() if entry.compiled)   # the ops actlab_ops.cpp defines
CFLAGS = ["-O2", "-mavx2", "-mfma"]
# Where the kernels could only be built serial (no OpenMP runtime of torch's to link), larger inputs than this
# take the torch-op fast path, which torch spreads over its intra-op threads; built with OpenMP, load()
# lifts it.
SERIAL_MAX_NUMEL = 1 << 16
MAX_NUMEL = SERIAL_MAX_NUMEL

_lock = threading.Lock()
_state: dict = {}
log = logging.getLogger("actlab")


def _build_dir() -> Path:
    root = os.environ.get("ACTLAB_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "actlab")
    version = torch.__version__.replace("+", "_").replace(".", "_")
    return Path(root) / f"torch_ext_{version}"


def _register_derivative() -> None:
    """``actlab::derivative(x, name, param)``: the catalog's f' as a differentiable torch function (its own
    backward is f''), which the C++ backward calls under ``create_graph``."""
    from . import functional as F

    def derivative(x, name, param):
        ext_param = FAST[name].ext_param
        impl, _ = F._bind(name, {ext_param: param} if ext_param else {})
        return F._Derivative.apply(x, impl)

    lib = torch.library.Library("actlab", "IMPL")
    lib.impl("derivative", derivative, "CompositeImplicitAutograd")
    _state["library"] = lib          # keep the registration alive


def _find_ninja() -> None:
    """pip's ninja lives beside this interpreter (``.venv/bin``), which is not on PATH unless the virtual
    environment is activated: add that directory (torch's build looks the tool up on PATH)."""
    here = Path(sys.executable).parent
    if (here / "ninja").exists():
        os.environ["PATH"] = os.pathsep.join([str(here), os.environ.get("PATH", "")])


def _torch_openmp() -> str | None:
    """The OpenMP runtime (GNU libgomp) that torch itself loaded, as a path inside torch's installation, or
    ``None``.  The kernels are built with ``-fopenmp`` and linked against exactly this file, so that
    ``at::parallel_for`` runs on torch's own thread pool: a second OpenMP runtime beside torch's would
    oversubscribe the cores (and other wheels, scikit-learn's for one, bring their own libgomp)."""
    if not torch._C.has_openmp:
        return None
    root = Path(torch.__file__).resolve().parent
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "libgomp" in line}
    except OSError:
        return None
    for path in sorted(paths):
        resolved = Path(path).resolve()
        if resolved.parent in (root / "lib", root.parent / "torch.libs"):
            return str(resolved)
    return None


def _load() -> tuple[bool, str]:
    if os.environ.get("ACTLAB_TORCH_EXTENSION", "1") == "0":
        return False, "disabled by ACTLAB_TORCH_EXTENSION=0"
    if not sys.platform.startswith("linux"):
        return False, f"not built on {sys.platform} (Linux x86-64 only)"
    capability = torch.backends.cpu.get_cpu_capability()
    if capability not in ("AVX2", "AVX512"):
        return False, f"the CPU has no AVX2 (torch reports {capability})"
    from torch.utils import cpp_extension
    if not cpp_extension.is_ninja_available():
        _find_ninja()
        if not cpp_extension.is_ninja_available():
            return False, "ninja is not installed (pip install ninja)"
    build = _build_dir()
    try:
        build.mkdir(parents=True, exist_ok=True)
        if not (build / "actlab_ops.so").exists():
            log.info("actlab.torch: compiling the fused kernels once (about 20 s) into %s", build)
        openmp = _torch_openmp()
        cpp_extension.load(name="actlab_ops", sources=[str(SOURCE)],
                           extra_cflags=CFLAGS + (["-fopenmp"] if openmp else []),
                           extra_ldflags=[openmp] if openmp else [],
                           build_directory=str(build), is_python_module=False, verbose=False)
        _register_derivative()
    except Exception as err:      # no compiler, a failed build: the Python fast paths serve
        return False, f"build failed: {type(err).__name__}: {str(err).strip()[-400:]}"
    global MAX_NUMEL
    if torch.ops.actlab.parallel():
        MAX_NUMEL = 1 << 62
        threads = f"parallel on torch's intra-op threads ({Path(openmp).name})"
    else:
        threads = f"serial (torch's OpenMP runtime not found): inputs above {SERIAL_MAX_NUMEL} elements take " \
                  "the torch-op fast path"
    return True, f"loaded from {build}; {threads}"


def load() -> bool:
    """True when ``torch.ops.actlab.<name>`` are available (built on first call, then cached)."""
    ok = _state.get("ok")
    if ok is not None:
        return ok
    with _lock:
        if "ok" not in _state:
            _state["ok"], _state["status"] = _load()
    return _state["ok"]


def status() -> str:
    """Whether the extension is in use, and why not when it is not."""
    load()
    return _state["status"]
