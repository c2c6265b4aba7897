"""Pictures of the programme: one local day as a PNG, as the reader sees it.

Discord-free; ``cogs/schedule.py`` (``/schedule view:picture``) and the reminders cog
(``/agenda show view:picture``) attach what it returns, with its alt text.

- ``picture.py`` — :func:`day_picture` (the PNG, its file name and alt text) and
  :func:`picture_day` (which day to draw when none was asked).
- ``layout.py`` — where everything goes, as plain data: rooms as columns (five a picture,
  further rooms on further pages), the hour ticks in the reader's zone and clock, the
  sessions' blocks, the "now" line, the "+1 day" marks, the alt text (≤ 1,024 characters).
- ``draw.py`` — the drawing with Pillow.
- ``fonts.py`` — DejaVu Sans with fallbacks per character: Droid Sans Fallback (CJK),
  Symbola (emoji); what a script no font has looks like (a box for that character).
- ``custom_ids.py`` — the "Picture" button's custom_id (day, track, room).

Sessions that overlap in one room are drawn side by side, in lanes of its column.
"""
