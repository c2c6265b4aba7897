"""Pure answer logic: fuzzy search over the schedule and parsing of plain questions."""
