"""Upgrade a database of an earlier release to today's schema, with that release's data.

`upgrade_from(release)` runs in a process of its own on an empty scratch database
(tests/ops/test_migrations.py): it migrates to the release's migrations, inserts the
release's fixture through the models as they were then (loaddata would use today's
models, whose columns the old tables may not have yet), runs `migrate` as an operator
would, and reports what today's code makes of the data.

Each release adds an entry to RELEASES and its fixture (docs/operations.md, Upgrades).
"""

import json
from pathlib import Path

from django.apps import apps as installed
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

FIXTURES = Path(__file__).parent / "fixtures"

RELEASES = {
    # The last migration of each project app in the release; an app left out had none.
    "0.1": {"courses": "0001_initial", "quizzes": "0001_initial"},
}


def project_apps() -> set[str]:
    """Our apps: the ones in the project folder, not installed packages."""
    root = Path(settings.BASE_DIR).resolve()
    return {a.label for a in installed.get_app_configs() if Path(a.path).parent == root}


def release_targets(release: str, executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    """Our apps at the release's migrations (none for an app it did not have), the
    installed packages' apps at their newest."""
    pinned, ours = RELEASES[release], project_apps()
    graph = executor.loader.graph
    targets = [node for node in graph.leaf_nodes() if node[0] not in ours]
    with_migrations = {app for app, _ in graph.nodes}
    targets += [(app, pinned.get(app)) for app in sorted(ours & with_migrations)]
    return targets


def load_historical(objects: list[dict], apps) -> None:
    """Insert fixture objects with the historical models `apps`, as loaddata would."""
    models = []
    with transaction.atomic():
        for obj in objects:
            model = apps.get_model(obj["model"])
            instance, many = model(pk=obj["pk"]), {}
            for name, value in obj["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    many[name] = value
                elif field.is_relation:
                    setattr(instance, field.attname, value)
                else:
                    setattr(instance, field.attname, field.to_python(value))
            # raw: keep the fixture's auto_now timestamps, as loaddata does.
            instance.save_base(raw=True)
            for name, ids in many.items():
                getattr(instance, name).set(ids)
            models.append(model)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), set(models)):
                cursor.execute(sql)


def upgrade_from(release: str) -> dict:
    """Build the release's database, upgrade it, and report what today's code finds."""
    executor = MigrationExecutor(connection)
    targets = release_targets(release, executor)
    executor.migrate(targets)
    old_apps = executor.loader.project_state([t for t in targets if t[1]]).apps
    objects = json.loads((FIXTURES / f"release-{release}.json").read_text())
    load_historical(objects, old_apps)
    call_command("migrate", "--no-input", verbosity=0)
    return {"unapplied": unapplied_migrations(), "objects": current_values(objects)}


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def current_values(objects: list[dict]) -> list[dict]:
    """Each fixture object as today's models read it: the fields the fixture names that
    still exist, serialised the same way, or None for a row that is gone."""
    from django.apps import apps
    from django.core import serializers

    found = []
    for obj in objects:
        model = apps.get_model(obj["model"])
        row = model._default_manager.filter(pk=obj["pk"]).first()
        if row is None:
            found.append(None)
            continue
        [current] = json.loads(serializers.serialize("json", [row]))
        found.append({k: v for k, v in current["fields"].items() if k in obj["fields"]})
    return found


def after_upgrade() -> dict:
    """What today's code does with the old data: regrade it, finish the attempt left in
    progress, start a new one, and show the learner's pages."""
    from django.test import Client

    from quizzes.grading import grade
    from quizzes.models import Attempt, Response
    from quizzes.services import attempt_start, attempt_submit

    machine_graded = Response.objects.filter(
        attempt__state=Attempt.State.SUBMITTED, graded_by=None, answer__isnull=False
    ).select_related("version")
    left = Attempt.objects.select_related("quiz__lesson", "user").get(state="in_progress")
    finished = attempt_submit(attempt=left)
    started = attempt_start(quiz=left.quiz, user=left.user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(left.user)
    urls = [
        left.quiz.lesson.get_absolute_url(),
        left.quiz.get_absolute_url(),
        f"/attempts/{finished.pk}/result/",
        started.get_absolute_url(),
    ]
    return {
        "regrades_agree": [
            r.fraction == grade(r.version.data, r.answer).fraction for r in machine_graded
        ],
        "finished": [finished.number, finished.state, str(finished.score)],
        "started": [started.number, started.state],
        "pages": {url: client.get(url).status_code for url in urls},
    }
