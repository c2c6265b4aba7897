"""``confbot copy-database FROM TO``: move a confbot database between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.errors import DatabaseBusyError, DatabaseVersionError

__all__ = ["add_copy_database_command", "command_copy_database"]


def add_copy_database_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``copy-database`` to the ``confbot`` command line."""
    copy = sub.add_parser(
        "copy-database",
        help="copy a database into an empty one (SQLite <-> PostgreSQL)",
        description="Copy every row of FROM into TO, which must be empty, and check the "
        "counts per table. Each is a SQLite file or a postgresql:// URL (its password from "
        "PGPASSWORD). Stop the bot first: rows it writes during the copy are not copied.",
    )
    copy.add_argument("source", metavar="FROM", help="SQLite file or postgresql:// URL")
    copy.add_argument("destination", metavar="TO", help="SQLite file or postgresql:// URL")
    copy.set_defaults(handler=command_copy_database)


def command_copy_database(args: argparse.Namespace) -> int:
    """Copy, print the counts per table; exit 1 with a sentence when refused."""
    from bot.storage.copy import CopyRefusedError, copy_database
    from bot.storage.database import is_postgresql_url

    def where(text: str) -> str:
        if is_postgresql_url(text):
            from bot.storage._postgres import redact

            return redact(text)
        return text

    def announce(table: str, rows: int) -> None:
        print(f"copying {table} ({rows} rows)", file=sys.stderr)

    try:
        counts = asyncio.run(copy_database(args.source, args.destination, progress=announce))
    except (CopyRefusedError, DatabaseVersionError) as error:
        print(f"confbot: not copied: {error}", file=sys.stderr)
        return 1
    except DatabaseBusyError:
        print(
            "confbot: a database could not be reached or stayed locked; try again", file=sys.stderr
        )
        return 3
    except OSError as error:
        print(f"confbot: {error.strerror or error}", file=sys.stderr)
        return 1
    width = max((len(count.table) for count in counts), default=5)
    print(f"Copied {where(args.source)} into {where(args.destination)}:")
    for count in counts:
        print(f"  {count.table:<{width}}  {count.target:>7} rows (source {count.source})")
    print(f"{sum(count.target for count in counts)} rows in {len(counts)} tables; counts match.")
    return 0
