"""The programme's lifecycle: the schedule refreshed, validated, applied, and told.

- ``refresh.py`` — the source (file or http(s)), its validation, the last good copy, imports.
- ``live.py`` — :class:`~bot.programme.live.LiveSchedule`: the refresh job, uploads, staged imports.
- ``apply.py`` — :class:`~bot.programme.apply.ScheduleApplier`: one transaction per new version.
- ``followers.py`` — :class:`~bot.programme.followers.ScheduleFollower`: the hook of features
  that follow changes.
- ``notices.py`` — the words of change notices (the channel post, the subscriber's DM).
- ``renderers.py`` — the schedule-change DM's kind and its renderer (in the reader's zone).
"""
