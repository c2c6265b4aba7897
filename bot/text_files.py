"""Reading the organiser's text files (config, schedule) with one clear sentence per problem.

A path that is missing, a directory, a device, too large, binary or not UTF-8 is a
:class:`~bot.errors.ConfigError` whose single problem names the file and says what
to do, so ``confbot check`` prints one line instead of a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.errors import ConfigError

# Far above any real schedule (the largest public one we know is under 3 MB); a file
# beyond this is almost surely the wrong file, and reading it whole would stall startup.
MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024


def read_text_file(
    path: str | os.PathLike[str],
    *,
    what: str,
    name: str | None = None,
    limit: int = MAX_TEXT_FILE_BYTES,
) -> str:
    """Return the UTF-8 text of ``path``.

    Problems start with ``name`` (default: the path) and call the file ``what``
    (e.g. "config file").

    :raises ConfigError: one problem saying why the file cannot be used.
    """
    name = str(path) if name is None else name
    if not name.isprintable():  # a newline or escape in a path must not break the line
        name = repr(name)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError([f"{name}: cannot read the {what}: there is no such file"]) from None
    except ValueError:  # a NUL byte in the path
        raise ConfigError([f"{name}: not a valid file name"]) from None
    except OSError as error:
        raise ConfigError([f"{name}: cannot read the {what} ({error.strerror})"]) from None
    if stat.S_ISDIR(mode):
        raise ConfigError([f"{name}: is a directory, not a {what}"])
    if not stat.S_ISREG(mode):
        # A FIFO or a device would block or never end.
        raise ConfigError([f"{name}: is a device or a pipe, not a {what}"])
    try:
        with Path(path).open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise ConfigError([f"{name}: cannot read the {what} ({error.strerror})"]) from None
    if len(data) > limit:
        raise ConfigError([f"{name}: is over {limit // (1024 * 1024)} MB, too large for a {what}"])
    if b"\x00" in data:
        raise ConfigError([f"{name}: is a binary file, not a {what}"])
    try:
        # "utf-8-sig" drops the byte-order mark some Windows editors write first.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        where = f"byte 0x{data[error.start]:02x} on line {line}"
        raise ConfigError(
            [f"{name}: the {what} is not UTF-8 text ({where}); save it as UTF-8"]
        ) from None
