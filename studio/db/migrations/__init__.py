"""Studio's Alembic revisions (``versions/``), their environment and the frozen baseline.

Run by ``studio.db.migrate`` when a store opens; ``python -m studio.db.migrations`` is the
``alembic`` command line for developers (see ``studio.db.migrate`` for how to add a revision).
"""
