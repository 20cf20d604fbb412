"""Backups restore into an empty database with every learner's progress and attempts.

Each test takes a backup the way docs/operations.md tells an operator to, restores it
into a new empty database, and reads it back in a separate process. The pg_dump test
runs in CI's PostgreSQL pass, the SQLite one in the SQLite pass; dumpdata runs in both.
"""

import json
import re
import sqlite3
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.ops.learners import make_learners, progress_snapshot
from tests.ops.scratch import on_postgres, postgres_url, run_django, scratch_database

pytestmark = pytest.mark.django_db(transaction=True)

AFTER_RESTORE = "from tests.ops.learners import after_restore\nresult = after_restore()"


@pytest.fixture
def snapshot(quiz_course):
    make_learners(quiz_course)
    snapshot = json.loads(json.dumps(progress_snapshot()))
    assert set(snapshot) == {"ahead", "started", "newcomer", "teacher"}
    ahead = snapshot["ahead"]
    assert len(ahead["attempts"]) == 2 and len(ahead["lessons"]) == 2
    assert ahead["review_cards"] and ahead["evidence"] and ahead["enrollments"][0][3]
    return snapshot


def assert_restored(restored: dict, snapshot: dict) -> None:
    assert restored["snapshot"] == snapshot
    assert restored["new_attempt"] == [1, "submitted"]


MICROSECONDS = re.compile(r"(T\d\d:\d\d:\d\d\.\d{3})\d{3}")


def to_milliseconds(snapshot: dict) -> dict:
    """Django's JSON serialiser writes times to the millisecond (docs/operations.md)."""
    return json.loads(MICROSECONDS.sub(r"\g<1>000", json.dumps(snapshot)))


def test_dumpdata_backup_restores_every_learner(snapshot, tmp_path):
    """The portable backup, also the way from SQLite to PostgreSQL: dumpdata, then
    migrate and loaddata into the new database."""
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata", "--natural-foreign", "--natural-primary",
        "--exclude=contenttypes", "--exclude=auth.permission", "--exclude=sessions",
        output=str(dump), stdout=StringIO(),
    )  # fmt: skip
    load = (
        "from django.core.management import call_command\n"
        "call_command('migrate', '--no-input', verbosity=0)\n"
        f"call_command('loaddata', {str(dump)!r}, verbosity=0)\n"
    )
    with scratch_database() as url:
        restored = run_django(url, load + AFTER_RESTORE)
    assert_restored(restored, to_milliseconds(snapshot))


def test_pg_dump_backup_restores_every_learner(snapshot, tmp_path):
    if not on_postgres():
        pytest.skip("pg_dump backs up PostgreSQL; CI's PostgreSQL pass runs this test")
    dump = tmp_path / "backup.dump"
    source = postgres_url(connection.settings_dict["NAME"])
    # Found on PATH, as an operator's shell finds them.
    pg_dump = ["pg_dump", "--format=custom", f"--file={dump}", source]
    subprocess.run(pg_dump, check=True)  # noqa: S603 - the test's own command
    with scratch_database() as url:
        pg_restore = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}", str(dump)]
        subprocess.run(pg_restore, check=True)  # noqa: S603 - the test's own command
        restored = run_django(url, AFTER_RESTORE)
    assert_restored(restored, snapshot)


def test_sqlite_backup_restores_every_learner(snapshot, tmp_path):
    """SQLite's online backup (the API behind `sqlite3 db.sqlite3 ".backup FILE"`); the
    copy is restored by putting it in the database's place."""
    if on_postgres():
        pytest.skip("the SQLite backup applies to SQLite; CI's SQLite pass runs this test")
    backup = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(backup)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    assert_restored(run_django(f"sqlite:///{backup}", AFTER_RESTORE), snapshot)
