"""A throwaway SQLite database for the standalone timing scripts in bench/.

Each script gets its own file under bench/tmp/ (git-ignored), emptied on every run, so a
run never touches a real site's database and two scripts never share data.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scratch_django(name: str, *, test_environment: bool = True) -> Path:
    """Point Django at a fresh bench/tmp/<name>.sqlite3, set it up and migrate it."""
    database = ROOT / "bench" / "tmp" / f"{name}.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indivisible.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if test_environment:
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host, and no real e-mail
    call_command("migrate", verbosity=0)
    return database
