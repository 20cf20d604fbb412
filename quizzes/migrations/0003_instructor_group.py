"""The "Instructor" group: what a course's instructor needs to edit content and grade.

Top-level content (modules, lessons, sources, concepts, timeline events, questions,
quizzes, cohorts) can be viewed, added and changed; a course only viewed and changed.
Deleting is granted only for the rows edited as inlines of a parent (a question's
choices, a quiz's questions, a lesson's citations...), since removing a wrong choice or a
quiz slot is part of editing and loses no learner's work. Learner data is read-only but
for responses (grading). No user or auth permissions. The admin further limits each
instructor to the courses in Course.instructors (quizzes/admin.py, courses/admin.py).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Instructor"
EDIT = ("view", "add", "change")
INLINE_ROWS = ("view", "add", "change", "delete")
PERMISSIONS = {
    "courses": {
        "course": ("view", "change"),
        "module": EDIT,
        "lesson": EDIT,
        "citation": INLINE_ROWS,
        "concept": EDIT,
        "conceptrelation": INLINE_ROWS,
        "timelineevent": EDIT,
        "source": EDIT,
        "cohort": EDIT,
        "enrollment": ("view",),
        "lessonprogress": ("view",),
    },
    "quizzes": {
        "question": EDIT,
        "choice": INLINE_ROWS,
        "textanswer": INLINE_ROWS,
        "numericanswer": INLINE_ROWS,
        "orderingitem": INLINE_ROWS,
        "matchpair": INLINE_ROWS,
        "quiz": EDIT,
        "quizquestion": INLINE_ROWS,
        "quizdraw": INLINE_ROWS,
        "feedbackband": INLINE_ROWS,
        "quizoverride": INLINE_ROWS,
        "attempt": ("view",),
        "response": ("view", "change"),
    },
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; a fresh database has none yet.
    for label in PERMISSIONS:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (label, f"{action}_{model}")
        for label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = []
    for label, codename in wanted:
        permissions.append(
            Permission.objects.get(content_type__app_label=label, codename=codename)
        )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0002_enrollment_cohort_certificate"),
        ("quizzes", "0002_review_cards_and_evidence"),
    ]

    operations = [
        migrations.RunPython(create_group, delete_group),
    ]
