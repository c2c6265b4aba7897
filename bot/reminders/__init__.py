"""Attendees' own programme: reminders before chosen sessions, the agenda, calendar export.

Pure core (no Discord): ``leads`` reads what attendees type, ``agenda`` and ``texts``
render, ``calendar`` writes RFC 5545 files, ``planner`` turns subscriptions into
outbox rows for the delivery engine.
"""
