"""Speakers: their cards, their links to Discord members, their heads-up DMs (Discord-free).

- ``service.py`` — :class:`~bot.speakers.service.SpeakerService`, the one API the speakers cog
  calls (built once by ``Services.build``; a follower of schedule changes).
- ``answers.py`` — ``SpeakerAnswers``: ``/speaker``, ``/speakers``, "who is X?" (one schedule).
- ``cards.py`` — the speaker card and the speaker list as ``Card`` data.
- ``buttons.py`` — which cards an answer links to (``CardLink``: "Speaker", "Session: …").
- ``custom_ids.py`` — the custom_ids of those buttons (``confbot:speaker:``, ``confbot:session:``).
- ``heads_ups.py`` — the heads-up outbox kind (``speaker_dm``), its keys, scopes and planner.
- ``renderers.py`` — ``HeadsUpRenderer``: a heads-up row → its text, in the speaker's zone.
- ``texts.py`` — the feature's words: the heads-up DM, link/unlink replies and log lines.

Import the modules themselves: this package imports nothing, so the schedule's default
answers (``bot.answers.schedule_answers``) can use ``answers.py`` without a cycle.
"""
