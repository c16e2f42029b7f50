"""The tables, their version and the migration from version 1."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .codes import CODE_LENGTH
from .values import COMPONENT, SCHEMA_VERSION, Entry

metadata = sa.MetaData()
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("component", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
boards = sa.Table(
    "boards",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("creator", sa.String(64), nullable=False, index=True),  # hashed session id
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("revision", sa.Integer, nullable=False, default=0),  # +1 at every change a viewer would see
    sa.Column("max_entries", sa.Integer, nullable=True),  # the teacher's cap; None: Limits.max_entries
    sa.Column("per_address", sa.Integer, nullable=True),  # the teacher's cap; None: Limits.entries_per_address
    sa.Column("creator_address", sa.String(64), nullable=True, index=True),  # hashed client address
)
entries = sa.Table(
    "board_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("board_id", sa.Integer, sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("poster", sa.String(64), nullable=False, index=True),  # hashed session id
    sa.Column("nickname", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON object
    sa.Column("hidden_sizes", sa.String(200), nullable=False),  # "64,32"
    sa.Column("accuracy", sa.Float, nullable=False),
    sa.Column("train_seconds", sa.Float, nullable=False),
    sa.Column("parameters", sa.BigInteger, nullable=False),
    sa.Column("parameter_bytes", sa.BigInteger, nullable=False),
    sa.Column("posted_at", sa.Float, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("address", sa.String(64), nullable=True, index=True),  # hashed client address
    sa.Column("request", sa.String(64), nullable=True),  # the page's id for this post: a retry adds nothing
    sa.UniqueConstraint("board_id", "poster", "request", name="uq_board_entries_request"),
)
join_attempts = sa.Table(
    "board_join_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("address", sa.String(64), nullable=True, index=True),  # hashed client address
)
seats = sa.Table(
    "board_seats",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("board_id", sa.Integer, sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("model", sa.LargeBinary, nullable=True),  # the student's latest model (nnlib.modelio .npz bytes)
    sa.Column("saved_at", sa.Float, nullable=False),
)
# Version 1 → 2: the columns above marked "address", "revision", caps and "request".
MIGRATION_2 = (
    "ALTER TABLE boards ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE boards ADD COLUMN max_entries INTEGER",
    "ALTER TABLE boards ADD COLUMN per_address INTEGER",
    "ALTER TABLE boards ADD COLUMN creator_address VARCHAR(64)",
    "ALTER TABLE board_entries ADD COLUMN address VARCHAR(64)",
    "ALTER TABLE board_entries ADD COLUMN request VARCHAR(64)",
    "CREATE UNIQUE INDEX uq_board_entries_request ON board_entries (board_id, poster, request)",
    "CREATE INDEX ix_board_entries_address ON board_entries (address)",
    "ALTER TABLE board_join_attempts ADD COLUMN address VARCHAR(64)",
    "CREATE INDEX ix_board_join_attempts_address ON board_join_attempts (address)",
    "CREATE INDEX ix_boards_creator_address ON boards (creator_address)",
)


def create_schema(engine: Engine) -> None:
    """Tables at version SCHEMA_VERSION; several processes may start at once."""
    with engine.connect() as connection:
        connection.execution_options(board_write=True)
        with connection.begin():
            if engine.dialect.name == "postgresql":  # one creator at a time across processes
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6E6E6C6962})
            metadata.create_all(connection, checkfirst=True)
            found = connection.execute(
                sa.select(schema_version.c.version).where(schema_version.c.component == COMPONENT)
            ).scalar()
            if found is None:
                connection.execute(schema_version.insert().values(component=COMPONENT, version=SCHEMA_VERSION))
            elif found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the board database has schema version {found}; this nnlib knows {SCHEMA_VERSION}: "
                    "update nnlib or point NNLIB_BOARD_URL at another database"
                )
            elif found < 2:
                for statement in MIGRATION_2:
                    connection.exec_driver_sql(statement)
                connection.execute(
                    schema_version.update().where(schema_version.c.component == COMPONENT).values(version=2)
                )


def entry_from_row(row) -> Entry:
    return Entry(
        id=row["id"],
        nickname=row["nickname"],
        settings=json.loads(row["settings"]),
        hidden_sizes=tuple(int(h) for h in row["hidden_sizes"].split(",")),
        accuracy=row["accuracy"],
        train_seconds=row["train_seconds"],
        parameters=row["parameters"],
        parameter_bytes=row["parameter_bytes"],
        posted_at=row["posted_at"],
        hidden=bool(row["hidden"]),
    )
