"""Pure answer logic: fuzzy search over the schedule, plain questions, the answers themselves.

- ``current.py`` — :class:`CurrentSchedule`: the schedule version every reader sees now.
- ``reader.py`` — :class:`Reader`: who is reading (zone, clock style), from their profile.
- ``profile.py`` — a user's time-zone profile: set, show, clear, clock style, "forget me".
- ``search.py`` — :class:`SearchIndex`: fuzzy lookup and ranking of sessions, speakers, places.
- ``search_text.py`` — normalising names and labels, preparing a typed query.
- ``search_fields.py`` — one searchable field's postings and scoring tiers; the typo table.
- ``search_pages.py`` — search results as pages.
- ``intents.py`` — the :data:`Intent` types a plain question becomes, and the help examples.
- ``questions.py`` — :func:`parse_message`: cleaning a message and parsing it to an intent.
- ``question_grammar.py`` — the phrasings and :data:`RULES`, the rules tried in order.
- ``question_words.py`` — the day, time, zone and place words; splitting a zone, tidying a query.
- ``schedule_lookup.py`` — :class:`ScheduleLookup`: typed sessions, days, zones, places resolved.
- ``schedule_answers.py`` — :class:`ScheduleAnswers`: the answers to schedule questions.
- ``speakers.py`` — answers about speakers: cards, the list, the questions asked about them.
- ``speaker_cards.py`` — speaker cards and the speaker list as plain data.
- ``conversation.py`` — :class:`Conversation`: plain questions and text commands answered.
"""
