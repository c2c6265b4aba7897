"""Draw a :class:`~bot.pictures.layout.DayLayout` as a PNG with Pillow."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bot.pictures.fonts import FontChain, font_chain
from bot.pictures.layout import Block, DayLayout

__all__ = ["block_box", "draw_png"]


AXIS = 96  # the time axis' width
COLUMN = 250
HEADER = 140  # heading (two lines), subheading, room names
PER_HOUR = 132  # a 15-minute session has room for one line of title
PAD = 6
LINE = 24

BACKGROUND = (255, 255, 255)
INK = (28, 28, 32)
FAINT = (110, 110, 120)
RULE = (222, 222, 228)
BLOCK = (226, 234, 248)
BLOCK_EDGE = (120, 146, 196)
AGENDA = (255, 214, 120)
AGENDA_EDGE = (196, 120, 0)
NOW = (214, 32, 32)


def _font(size: int, bold: bool = False) -> FontChain:
    return font_chain(size, bold)


def _fit(text: str, font: FontChain, width: float) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font: FontChain, width: float, lines: int) -> list[str]:
    """Return at most ``lines`` lines of ``text`` within ``width``, the last cut with "…"."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words and out:
        out[-1] = _fit(f"{out[-1]} {' '.join(words)}", font, width)
    return [_fit(line, font, width) for line in out]


def _y(minute: float) -> int:
    return HEADER + round(minute * PER_HOUR / 60)


def block_box(block: Block) -> tuple[int, int, int, int]:
    """Return the (left, top, right, bottom) pixels of a session's box."""
    # Overlapping sessions of one room share its column side by side, a lane each.
    lane_width = (COLUMN - 6) / block.lanes
    left = round(AXIS + block.column * COLUMN + 3 + block.lane * lane_width)
    right = round(AXIS + block.column * COLUMN + 3 + (block.lane + 1) * lane_width)
    right -= 2 if block.lane < block.lanes - 1 else 0  # a gap between neighbours
    return left, _y(block.top) + 1, right, _y(block.bottom) - 1


def _block(draw: ImageDraw.ImageDraw, block: Block) -> None:
    left, top, right, bottom = block_box(block)
    fill, edge = (AGENDA, AGENDA_EDGE) if block.on_agenda else (BLOCK, BLOCK_EDGE)
    draw.rounded_rectangle(
        (left, top, right, bottom),
        6,
        fill=fill,
        outline=edge,
        width=3 if block.on_agenda else 1,
    )
    width = right - left - 2 * PAD
    room = max(1, (bottom - top - PAD) // LINE)
    title = f"★ {block.title}" if block.on_agenda else block.title
    extra = [block.time] + ([block.speakers] if block.speakers else [])
    title_lines = _wrap(title, _font(18, bold=True), width, max(1, min(5, room - len(extra))))
    y = top + PAD // 2
    for line in title_lines:
        _font(18, bold=True).draw(draw, (left + PAD, y), line, INK)
        y += LINE
    for line in extra:
        if y + LINE > bottom + 2:
            break
        _font(15).draw(draw, (left + PAD, y), _fit(line, _font(15), width), FAINT)
        y += LINE - 4


def draw_png(layout: DayLayout) -> bytes:
    """Return the PNG of ``layout``: header, room columns, hour lines, blocks, "now"."""
    columns = max(2, len(layout.columns))  # two at least: room for the heading
    width = AXIS + columns * COLUMN
    height = _y(layout.minutes) + 16
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(_wrap(layout.heading, _font(22, True), width - 24, 2)):
        _font(22, True).draw(draw, (12, 8 + 28 * n), line, INK)
    _font(16).draw(draw, (12, 66), _fit(layout.subheading, _font(16), width - 24), FAINT)
    for n, name in enumerate(layout.columns):
        x = AXIS + n * COLUMN
        _font(18, True).draw(
            draw, (x + PAD, HEADER - 30), _fit(name, _font(18, True), COLUMN - 2 * PAD), INK
        )
        draw.line((x, HEADER - 34, x, height), fill=RULE)
    for tick in layout.ticks:
        y = _y(tick.minute)
        draw.line((AXIS - 6, y, width, y), fill=RULE)
        _font(15).draw(draw, (8, y - 9), _fit(tick.label, _font(15), AXIS - 12), FAINT)
    if not layout.blocks:
        _font(18).draw(draw, (AXIS + PAD, HEADER + 10), "No sessions.", INK)
    for block in layout.blocks:
        _block(draw, block)
    if layout.now is not None:
        y = _y(layout.now.minute)
        draw.line((AXIS - 6, y, width, y), fill=NOW, width=3)
        draw.line((0, y, AXIS, y), fill=NOW, width=3)
        _font(14, True).draw(
            draw, (4, y + 3), _fit(layout.now.label, _font(14, True), AXIS - 6), NOW
        )
    out = io.BytesIO()
    # A palette of 256 colours: the picture has a dozen, and it makes the file 3-4x smaller.
    image.quantize(colors=256).save(out, format="PNG", optimize=True)
    return out.getvalue()
