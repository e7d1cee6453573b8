"""Text as people type it on phones: without tones. ``fold("Sông Hương")`` is
``"song huong"``, so a search typed without diacritics finds the Vietnamese title."""

from __future__ import annotations

import unicodedata

# letters that do not decompose into a base letter and a mark
_PLAIN = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower case, without diacritics, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.casefold().split())
