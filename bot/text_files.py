"""Reading the organiser's text files (config, schedule) with one clear sentence per problem.

A path that is missing, a directory, a device, too large, binary or not UTF-8 is a
:class:`~bot.errors.ConfigError` whose single problem names the file and says what
to do, so ``confbot check`` prints one line instead of a traceback.

:func:`decode_text` is the one encoding policy for every file read, whatever its
format (config, native TOML/JSON, every schedule export): UTF-8 with or without a BOM;
anything else is named (UTF-16, Latin-1/Windows-1252, a ZIP archive...) and refused.
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

    :raises ConfigError: one problem saying why the file cannot be used (see
        :func:`decode_text` for the encodings).
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
    return decode_text(data, name=name, what=what)


# Signatures of files often given by mistake, named so the sentence says what to do.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office (OLE) file"),
)
_UTF16_32_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _container(data: bytes) -> tuple[str, str] | None:
    """Return what a binary file given as text is ("a ZIP archive..."), if it is a known one."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            if kind == "a ZIP archive":
                head = data[:4096]
                if b"[Content_Types].xml" in head and b"xl/" in head:
                    return "an Excel workbook", ": save the sheet as CSV UTF-8"
                if b"[Content_Types].xml" in head and b"word/" in head:
                    return "a Word document", ""
                return "a ZIP archive", ": unzip it and give the file inside"
            return kind, ""
    return None


def _wide_encoding(data: bytes) -> str | None:
    """Return "UTF-16" or "UTF-32" when ``data`` is in one of them (with or without a BOM)."""
    for bom, name in _UTF16_32_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:512]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) >= 2:
        # ASCII text in UTF-16 is a NUL every other byte (after it little-endian, before big).
        for zeros, letters in ((odd, even), (even, odd)):
            if zeros.count(0) * 10 >= len(zeros) * 9 and letters.count(0) * 10 <= len(letters):
                return "UTF-16"
    return None


def decode_text(data: bytes, *, name: str, what: str) -> str:
    """Return ``data`` as text under the one encoding policy every file confbot reads follows.

    UTF-8, with or without the byte-order mark some Windows editors write first, is
    read. Anything else is refused with one sentence naming what it is: UTF-16 or
    UTF-32, Latin-1/Windows-1252 (the common "ANSI" of Windows tools), a ZIP archive,
    an Excel workbook, a PDF, or binary. ``name`` starts the sentence; ``what``
    names the file's role ("schedule file").

    :raises ConfigError: one problem saying what the file is and what to do.
    """
    wide = _wide_encoding(data)
    if wide is not None:
        raise ConfigError([f"{name}: the {what} is {wide} text, not UTF-8; save it as UTF-8"])
    container = _container(data)
    if container is not None:
        kind, advice = container
        raise ConfigError([f"{name}: this is {kind}, not a {what}{advice}"])
    if b"\x00" in data:
        raise ConfigError([f"{name}: is a binary file, not a {what}"])
    try:
        # "utf-8-sig" drops the byte-order mark some Windows editors write first.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        where = f"byte 0x{byte:02x} on line {line}"
        text = data.decode("utf-8-sig", "replace")
        if any(ord(char) > 127 and char != "\ufffd" for char in text):
            raise ConfigError(
                [
                    f"{name}: the {what} mixes UTF-8 with another encoding ({where} is "
                    "not UTF-8); save it as UTF-8"
                ]
            ) from None
        try:
            shown = bytes([byte]).decode("cp1252")
            data.decode("cp1252")
        except UnicodeDecodeError:
            raise ConfigError(
                [f"{name}: the {what} is not UTF-8 text ({where}); save it as UTF-8"]
            ) from None
        raise ConfigError(
            [
                f"{name}: the {what} is Latin-1/Windows-1252 text, not UTF-8 "
                f'({where} is "{shown}" there); save it as UTF-8'
            ]
        ) from None
