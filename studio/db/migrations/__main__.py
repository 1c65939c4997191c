"""``python -m studio.db.migrations <command>``: the ``alembic`` command line for Studio.

The configuration comes from ``studio.db.migrate.alembic_config`` (no ``alembic.ini``); the
database is ``STUDIO_DATABASE_URL``, else the SQLite file under ``STUDIO_HOME``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic.config import CommandLine

from studio.db.migrate import alembic_config


def main(argv: Sequence[str] | None = None) -> None:
    """Parse ``argv`` as ``alembic`` does and run the command on Studio's revisions."""
    cli = CommandLine(prog="python -m studio.db.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(cmd_opts=options), options)


if __name__ == "__main__":
    main()
