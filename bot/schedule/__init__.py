"""The conference schedule: model, native file format, importers (``formats``), diff, index.

- ``model.py`` — the conference model: immutable values, instants aware and in UTC.
- ``index.py`` — :class:`ScheduleIndex`: a read-only index answering the bot's questions fast.
- ``files.py`` — :func:`load_schedule`: read a schedule file of any known format.
- ``native.py`` — the native TOML/JSON file format and its loader.
- ``native_parser.py`` — :class:`NativeParser`: one pass over a native document, every problem.
- ``native_times.py`` — the times a native file writes: wall clock, offsets, DST, durations.
- ``native_dump.py`` — write a schedule as a native JSON file (the loader's twin).
- ``validation.py`` — reading untyped schedule data while recording every problem.
- ``diff.py`` — what changed between two versions of a schedule.
- ``summary.py`` — the summary ``confbot check`` prints.
- ``import_report.py`` — what ``confbot import`` prints.
- ``formats/`` — importers for organisers' exports, one module per format.
"""
