"""Pictures of the programme: one local day as a PNG, as the reader sees it.

Discord-free; ``cogs/schedule.py`` (``/schedule view:picture``) and the reminders cog
(``/agenda show view:picture``) attach what it returns, with its alt text.

- ``picture.py`` — :func:`day_picture` (the PNG, its file name and alt text) and
  :func:`picture_day` (which day to draw when none was asked).
- ``layout.py`` — where everything goes, as plain data: rooms as columns (five a picture,
  further rooms on further pages), the hour ticks in the reader's zone and clock, the
  sessions' blocks, the "now" line, the "+1 day" marks, the alt text (≤ 1,024 characters).
- ``draw.py`` — the drawing with Pillow.

Fonts: DejaVu Sans (Debian's ``fonts-dejavu-core``, which ``.ci/run`` installs when it is
missing), found in the usual font folders; it covers Latin with accents, Greek and Cyrillic.
Without it, Pillow's built-in font draws the picture (it lacks most accents). A title in a
script the font lacks (CJK, most emoji) shows its missing letters as empty boxes in the
picture: no fallback font is looked for, to keep the install small. The alt text and the
text answer always carry the real title.
"""
