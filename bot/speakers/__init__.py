"""Speakers: their links to Discord members, their heads-up DMs, the cards' links (Discord-free).

What the schedule alone says about speakers (their cards, "who is X?") is a schedule
answer: ``bot/answers/speakers.py`` and ``bot/answers/speaker_cards.py``. This feature adds
the members speakers are linked to, the heads-ups, and the moderators' link commands.

- ``service.py`` — :class:`~bot.speakers.service.SpeakerService`, the one API the speakers cog
  calls (built once by ``Services.build``; a follower of schedule changes).
- ``buttons.py`` — which cards an answer links to (``CardLink``: "Speaker", "Session: …").
- ``custom_ids.py`` — the custom_ids of those buttons (``confbot:speaker:``, ``confbot:session:``).
- ``heads_ups.py`` — the heads-up outbox kind (``speaker_dm``), its keys, scopes and planner.
- ``renderers.py`` — ``HeadsUpRenderer``: a heads-up row → its text, in the speaker's zone.
- ``texts.py`` — the feature's words: the heads-up DM, link/unlink replies and log lines.
"""
