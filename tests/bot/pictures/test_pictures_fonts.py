"""Titles in scripts DejaVu lacks: CJK and emoji drawn by fallback fonts, not as empty boxes.

``tools/test-deps`` installs the fonts (fonts-dejavu-core, fonts-droid-fallback,
fonts-symbola); these tests need them, as the pictures people see do.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.pictures.fonts import FALLBACK_FONTS, font_chain, font_path, has_glyph

CJK = "東京の会議"
DROID, SYMBOLA = (str(path) for path in FALLBACK_FONTS)


def dejavu() -> str:
    """Return DejaVu Sans' file (installed by tools/test-deps)."""
    path = font_path()
    assert path is not None
    return str(path)


def drawn(text: str, *, fallback: bool) -> bytes:
    """Return the pixels of ``text`` drawn in DejaVu alone, or with the fallbacks behind it."""
    image = Image.new("RGB", (400, 60), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    if fallback:
        font_chain(24).draw(draw, (4, 4), text, (0, 0, 0))
    else:
        draw.text((4, 4), text, font=ImageFont.truetype(dejavu(), 24), fill=(0, 0, 0))
    return image.tobytes()


def test_the_fallback_fonts_are_installed() -> None:
    """The picture's fonts are where Debian's packages put them."""
    assert all(Path(path).is_file() for path in (dejavu(), DROID, SYMBOLA))


def test_dejavu_lacks_cjk_and_the_fallback_has_it() -> None:
    """DejaVu draws its missing-glyph box for each ideograph; Droid Sans Fallback draws it."""
    for character in CJK:
        assert not has_glyph(dejavu(), character)
        assert has_glyph(DROID, character)
    assert has_glyph(dejavu(), "é")


def test_a_cjk_title_is_not_drawn_as_boxes() -> None:
    """The title drawn through the chain differs from DejaVu's row of boxes, glyph by glyph."""
    boxes = drawn(CJK, fallback=False)
    assert drawn(CJK, fallback=True) != boxes
    # DejaVu alone draws the five ideographs as five identical boxes: one shape repeated.
    box = drawn(CJK[0], fallback=False)
    assert all(drawn(character, fallback=False) == box for character in CJK)
    assert len({drawn(character, fallback=True) for character in CJK}) == len(CJK)


def test_a_mixed_title_is_cut_into_runs_by_font() -> None:
    """Latin in DejaVu, ideographs in Droid Sans Fallback, the emoji in Symbola."""
    chain = font_chain(18)
    runs = [(getattr(font, "path", None), text) for font, text in chain.runs("東京 🎉 Résumé")]
    assert runs == [(DROID, "東京 "), (SYMBOLA, "🎉 "), (dejavu(), "Résumé")]


def test_a_script_no_font_has_keeps_dejavus_box() -> None:
    """A character nobody has (here Tibetan) falls back to the first font: DejaVu's box."""
    (run,) = font_chain(18).runs("ཀ")
    assert getattr(run[0], "path", None) == dejavu()
