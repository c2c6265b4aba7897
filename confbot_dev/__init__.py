"""confbot's development tooling, beside the product and never imported by it.

- ``sandbox/`` — the loopback Discord: gateway and REST as Discord speaks them, with its limits.
- ``harness.py`` — :class:`ConferenceHarness`: the sandbox, a conference server and the real
  bot in one event loop (tests, benchmarks, the demo).
- ``demo/`` — ``confbot demo``, registered with the product's CLI through an entry point.
- ``generate.py`` — synthetic conferences of any size for tests and benchmarks.
"""
