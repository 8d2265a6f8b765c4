"""The CJK font for Chinese labels: located, registered with matplotlib's font manager, checked for coverage.

Search order: the font file shipped by the ``mplfonts`` package (Noto Sans CJK SC, SIL OFL; installed by the
``plot`` extra), then any font matplotlib already knows whose name says CJK/Han/Hei/WenQuanYi and which
covers the test characters (e.g. Debian's ``fonts-noto-cjk``).  ``mplfonts`` is located with
``importlib.util.find_spec`` and never imported (its import has side effects on matplotlib's rc).
"""
from __future__ import annotations

import functools
import importlib.util
import os
from typing import Iterable, Optional

SAMPLE = "激活函数导数"
_FILES = ("NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf")
_HINTS = ("cjk", "han sans", "hei", "wenquanyi", "wqy", "source han", "noto sans sc")


def _packaged_files() -> list[str]:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for root in spec.submodule_search_locations:
        for name in _FILES:
            path = os.path.join(root, "fonts", name)
            if os.path.exists(path):
                out.append(path)
    return out


def covers(path: str, text: str) -> bool:
    """Whether the font file at ``path`` has a glyph for every non-space character of ``text``."""
    from matplotlib import ft2font
    try:
        charmap = ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in set(text) if not c.isspace())


@functools.lru_cache(maxsize=None)
def cjk_font() -> tuple[str, str]:
    """``(family name, file path)`` of a font covering Chinese, registered with matplotlib.

    Raises ``ValueError`` (with the install command) when none is found.
    """
    from matplotlib import font_manager
    for path in _packaged_files():
        if covers(path, SAMPLE):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name(), path
    for entry in font_manager.fontManager.ttflist:
        if any(h in entry.name.lower() for h in _HINTS) and covers(entry.fname, SAMPLE):
            return entry.name, entry.fname
    raise ValueError("no font with Chinese glyphs found for --lang zh; install one with "
                     "pip install mplfonts (or: pip install 'actlab[plot]', or apt-get install fonts-noto-cjk)")


def family(lang: str) -> Optional[list[str]]:
    """The font family list for texts in ``lang`` (None: matplotlib's default)."""
    if lang == "en":
        return None
    name, _ = cjk_font()
    return [name, "DejaVu Sans"]


def missing_glyphs(texts: Iterable[str], paths: Iterable[str]) -> set[str]:
    """Characters of ``texts`` that none of the font files ``paths`` can draw."""
    from matplotlib import ft2font
    maps = [ft2font.FT2Font(p).get_charmap() for p in paths]
    return {c for t in texts for c in t if not c.isspace() and not any(ord(c) in m for m in maps)}
