"""An empty benchmark database, SQLite or PostgreSQL, before Django connects to it.

The run deletes whatever the database holds, so it refuses a database whose name does not
contain "bench": a DATABASE_URL left pointing at a real site's database stays untouched.
"""

from pathlib import Path

import dj_database_url

REFUSED = (
    "The benchmark empties its database; {name!r} does not look like one for benchmarks. "
    "Use a database whose name contains 'bench', e.g. "
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench."
)


def database_reset(url: str) -> None:
    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in Path(name).name:
        raise SystemExit(REFUSED.format(name=name))
    if config["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    _postgres_recreate(config)


def _postgres_recreate(config: dict) -> None:
    """Drop and create the database, connected to the server's `postgres` database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres", user=config.get("USER") or None,
        password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
        port=config.get("PORT") or None, autocommit=True,
    ) as connection:  # fmt: skip
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
