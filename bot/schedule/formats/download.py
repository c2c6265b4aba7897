"""One GET of a schedule export from an http(s) address, for ``confbot import URL``.

Every way it can fail becomes one sentence in a :class:`~bot.errors.ConfigError`:
a refused connection, a timeout, an HTTP error status, a body larger than
:data:`MAX_BYTES`, or one shorter than its Content-Length (a truncated transfer).
Conditional requests and periodic refresh belong to live refresh, not here.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from bot.errors import ConfigError

__all__ = ["MAX_BYTES", "download"]

# The largest real export we know (39C3, 58 rooms) is 2.6 MB; leave room, refuse a flood.
MAX_BYTES = 32 * 1024 * 1024


async def download(
    url: str,
    *,
    timeout: float = 30.0,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
) -> bytes:
    """Return the body at ``url``.

    ``progress`` is told the bytes received so far and the size announced (``None``
    without a Content-Length) after every piece, for a progress bar.

    :raises ConfigError: the address cannot be fetched whole; the sentence says why.
    """
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(url, headers={"Accept": "application/json, text/xml, */*"}) as response,
        ):
            if response.status != 200:
                answer = f"{response.status} {response.reason or ''}".strip()
                raise ConfigError([f"{url}: the server answered {answer}"])
            body = bytearray()
            async for chunk in response.content.iter_chunked(65536):
                body += chunk
                if len(body) > max_bytes:
                    raise ConfigError([f"{url}: larger than {max_bytes // 1_000_000} MB; refused"])
                if progress is not None:
                    progress(len(body), response.content_length)
            expected = response.content_length
            if expected is not None and len(body) < expected:
                raise ConfigError(
                    [f"{url}: truncated: got {len(body)} of {expected} bytes; try again"]
                )
            return bytes(body)
    except TimeoutError:
        raise ConfigError([f"{url}: no complete answer within {timeout:g} s"]) from None
    except aiohttp.ClientPayloadError:
        raise ConfigError([f"{url}: the transfer broke off (truncated body); try again"]) from None
    except aiohttp.InvalidURL:
        raise ConfigError([f"{url}: not a valid address"]) from None
    except aiohttp.ClientError as error:
        raise ConfigError([f"{url}: cannot fetch it: {error}"]) from None
