"""The programme's lifecycle: where a new schedule comes from and what applying it does.

- ``refresh.py`` — the schedule source (file or http(s)), validation of a fetch, the last
  good copy, what the bot starts from, ``confbot import`` staging.
- ``live.py`` — :class:`LiveSchedule`: the refresh job, uploads, staged imports, reports.
- ``apply.py`` — :class:`ScheduleApplier`: one transaction swaps the schedule, queues the
  change notices and runs the followers.
- ``followers.py`` — :class:`ScheduleFollower`: the one hook for features that follow changes.
- ``notices.py`` — the words of change notices (channel post and DM).
- ``renderers.py`` — the subscriber's change DM (an outbox kind), in their zone and clock.
"""
