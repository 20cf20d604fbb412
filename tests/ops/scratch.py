"""Scratch databases and child processes for the operations tests.

A backup is restored, and an old release's database upgraded, in a database of its own
that a separate process reads through DATABASE_URL, as a freshly started server would.
The scratch database is of the suite's kind: PostgreSQL when the suite runs on it, else
a SQLite file.
"""

import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def postgres_url(name: str) -> str:
    """The URL of database `name` on the suite's PostgreSQL server, with its credentials."""
    s = connection.settings_dict
    user = quote(s["USER"] or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _postgres_admin(sql: str) -> None:
    """CREATE/DROP DATABASE need autocommit, outside the test's transaction."""
    import psycopg

    with psycopg.connect(postgres_url(connection.settings_dict["NAME"]), autocommit=True) as c:
        c.execute(sql)


@contextlib.contextmanager
def scratch_database():
    """Yield the DATABASE_URL of a new empty database; it is dropped afterwards."""
    if on_postgres():
        name = f"scratch_{secrets.token_hex(6)}"
        _postgres_admin(f'CREATE DATABASE "{name}"')
        try:
            yield postgres_url(name)
        finally:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/scratch.sqlite3"


def child_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "indivisible.settings",
        "LOG_FORMAT": "plain",
    }


def run(args: list[str], database_url: str) -> str:
    """Run a command in the project folder against `database_url`; fail with its stderr."""
    result = subprocess.run(  # noqa: S603 - the tests' own fixed commands
        args, cwd=ROOT, env=child_env(database_url), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def run_django(database_url: str, code: str) -> object:
    """Run `code` in a new process with Django set up on `database_url`.

    The code assigns its answer to `result`; it comes back through a JSON file, so log
    lines on stdout cannot get mixed into it.
    """
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        script = (
            "import django, json\ndjango.setup()\n"
            f"{code}\n"
            f"open({str(out)!r}, 'w').write(json.dumps(result))\n"
        )
        run([sys.executable, "-c", script], database_url)
        return json.loads(out.read_text())
