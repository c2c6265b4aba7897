"""Moderators' announcements, without Discord: the feature's one home below its cog.

- ``service.py``: :class:`AnnouncementService`, the only API the cog calls (drafts,
  scheduling, cancels, the list), built once in ``Services.build``.
- ``edits.py``: an edit of a scheduled or posted announcement (rows moved, copies edited).
- ``kinds.py``: the ``announcement`` outbox kind's renderer (the grace, the missed report).
- ``crossposts.py``: each copy in an announcement channel crossposted once, after it is sent.
- ``posted.py``: the port to Discord for posted copies (publish, edit) and its outcomes.
- ``custom_ids.py``: the preview buttons' and the form's custom_ids.
- ``timing.py``: what a moderator typed as "when", read in their zone and read back.
- ``text.py``: the announcement as it will appear (title, body, the chosen ping).
- ``pace.py``: how often a moderator may start one (accepted forms only count).
- ``pings.py``: whom an announcement may ping (the organisers' allow-list).
- ``planning.py``: each channel's outbox row (keyed per announcement and channel), the grace.
- ``channels.py``: where an announcement goes and what became of each copy, for moderators.
- ``replies.py``: the preview's card and ``/announce list``, as moderators read them.
"""
