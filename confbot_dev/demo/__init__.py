"""``confbot demo``: chat with the real bot offline, in a loopback Discord sandbox.

- ``run.py`` — :func:`run_demo`: arguments, config, data dir, the harness, the loop.
- ``session.py`` — :class:`DemoSession`: carries out one typed line, shows the results.
- ``script.py`` — :func:`parse_line`: one typed line into an action.
- ``options.py`` — ``opt:value`` text into the values a registered command expects
  (``file:@path`` attaches a file).
- ``labels.py`` — buttons, menu options and form fields named by the start of their label.
- ``keep.py`` — :class:`DemoHarness`: stable ids, and the world a ``--data-dir`` keeps.
- ``render.py`` — bot messages, choices and forms as transcript text (styled on a terminal).
- ``markdown.py`` — Discord's markdown, mentions and timestamps as a client shows them.
- ``viewer.py`` — :class:`Viewer`: the acting attendee's zone and clock; timestamp styles.
- ``logs.py`` — log records stamped with the simulated time, out of the chat unless verbose.
- ``console.py`` — stdin read off the event loop, output that keeps the prompt tidy.
"""

from confbot_dev.demo.run import run_demo

__all__ = ["run_demo"]
