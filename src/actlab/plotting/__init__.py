"""Plotting layer: figures of f, f', f'' drawn from what ``actlab.core``/``actlab.analysis`` compute.

matplotlib loads on the first call, not at import: ``import actlab.plotting`` stays cheap.

* :func:`plot` -- activations overlaid, one panel per derivative order, axes through the origin;
* :func:`gallery` -- one figure per registered activation plus an index (``index.html``, ``index.md``);
* :func:`cjk_font` -- the CJK font used for ``lang="zh"`` labels, registered with matplotlib.
"""
from .figures import LABELS, gallery, plot
from .fonts import cjk_font, missing_glyphs

__all__ = ["LABELS", "cjk_font", "gallery", "missing_glyphs", "plot"]
