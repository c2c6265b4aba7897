"""The picture's fonts: DejaVu Sans first, then a fallback per character it lacks.

Pillow draws a string in one font, so :class:`FontChain` cuts a title into runs, each in
the first font that has a glyph for its characters:

1. DejaVu Sans (Debian's ``fonts-dejavu-core``): Latin with accents, Greek, Cyrillic,
   many symbols;
2. Droid Sans Fallback (``fonts-droid-fallback``, 4 MB): Chinese, Japanese, Korean;
3. Symbola (``fonts-symbola``): emoji and other pictographs, in black and white (Pillow
   draws no colour emoji in a palette PNG anyway).

A character none of them has (say Tibetan, or an emoji newer than Symbola) is drawn as
DejaVu's empty box: the picture degrades letter by letter, never the whole title, and the
alt text and the text answer always carry the real title. Without DejaVu at all, Pillow's
built-in font draws everything (it lacks most accents). ``tools/test-deps`` installs the
three packages.

A font "has" a character when it draws it differently from its own missing-glyph box
(FreeType draws glyph 0 for any character a font lacks); the answer is cached per font
file and character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

__all__ = ["FALLBACK_FONTS", "FONT_DIRECTORIES", "FontChain", "font_chain", "font_path"]

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Debian's fonts-dejavu-core puts them here; other systems' usual places follow.
FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
)
FALLBACK_FONTS = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),  # CJK
    Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),  # emoji, symbols
)
# A code point no font maps (the last private-use one): what each font draws when it lacks one.
_SURELY_MISSING = "\U0010fffd"
_PROBE_SIZE = 24


def font_path(bold: bool = False) -> Path | None:
    """Return DejaVu Sans (bold) if installed, else ``None`` (Pillow's own font is used)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in FONT_DIRECTORIES:
        if (directory / name).is_file():
            return directory / name
    return None


def _mask(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


@lru_cache(maxsize=8)
def _probe(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, _PROBE_SIZE)


@lru_cache(maxsize=65536)
def has_glyph(path: str, character: str) -> bool:
    """Return whether the font at ``path`` draws ``character`` (not its missing-glyph box)."""
    font = _probe(path)
    return _mask(font, character) != _mask(font, _SURELY_MISSING)


def _rides_along(character: str) -> bool:
    """Return whether ``character`` stays in the run before it (spaces, combining marks)."""
    return character.isspace() or unicodedata.category(character) in ("Mn", "Me", "Cf")


class FontChain:
    """Fonts tried in order for each character; measures and draws mixed-script text."""

    def __init__(self, fonts: Sequence[Font], paths: Sequence[str | None]) -> None:
        self.fonts = tuple(fonts)
        self._paths = tuple(paths)
        primary = fonts[0]
        self._ascent = primary.getmetrics()[0] if isinstance(primary, ImageFont.FreeTypeFont) else 0

    def _index(self, character: str) -> int:
        for index, path in enumerate(self._paths):
            if path is not None and has_glyph(path, character):
                return index
        return 0  # nobody has it: the first font's box

    def runs(self, text: str) -> list[tuple[Font, str]]:
        """Return ``text`` cut into (font, run) pairs, each run drawable in its font."""
        if len(self.fonts) == 1 or text.isascii():
            return [(self.fonts[0], text)] if text else []
        runs: list[tuple[int, str]] = []
        for character in text:
            if runs and _rides_along(character):
                runs[-1] = (runs[-1][0], runs[-1][1] + character)
                continue
            index = self._index(character)
            if runs and runs[-1][0] == index:
                runs[-1] = (index, runs[-1][1] + character)
            else:
                runs.append((index, character))
        return [(self.fonts[index], run) for index, run in runs]

    def getlength(self, text: str) -> float:
        """Return the width of ``text`` in pixels."""
        return sum(font.getlength(run) for font, run in self.runs(text))

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        fill: tuple[int, int, int],
    ) -> None:
        """Draw ``text`` with its top at ``xy``; every run shares the first font's baseline."""
        x, y = xy
        if len(self.fonts) == 1 or text.isascii():
            draw.text((x, y), text, font=self.fonts[0], fill=fill)
            return
        baseline = y + self._ascent
        for font, run in self.runs(text):
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)


@lru_cache(maxsize=16)
def font_chain(size: int, bold: bool = False) -> FontChain:
    """Return DejaVu Sans (bold) at ``size`` with the installed fallbacks behind it."""
    path = font_path(bold)
    if path is None:
        return FontChain([ImageFont.load_default(size=size)], [None])
    fonts: list[Font] = [ImageFont.truetype(str(path), size)]
    paths: list[str | None] = [str(path)]
    for fallback in FALLBACK_FONTS:
        if fallback.is_file():
            fonts.append(ImageFont.truetype(str(fallback), size))
            paths.append(str(fallback))
    return FontChain(fonts, paths)
