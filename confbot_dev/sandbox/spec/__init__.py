"""Discord's published OpenAPI description as an oracle for the sandbox.

:class:`RequestValidator` refuses what Discord refuses (``400 50035 Invalid Form Body``);
:func:`response_errors` checks the sandbox's own answers against the response schemas.
"""

from confbot_dev.sandbox.spec.requests import RequestValidator
from confbot_dev.sandbox.spec.responses import response_errors

__all__ = ["RequestValidator", "response_errors"]
