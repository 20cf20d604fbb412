"""Create the demo learner and instructor for local trials; refused when DEBUG is off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course

DEMO_ACCOUNTS = (
    ("learner", "learner-demo-password", False),
    ("instructor", "instructor-demo-password", True),
)


class Command(BaseCommand):
    help = "Create demo accounts (learner, instructor) with known passwords. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts have known passwords; they are created only when DEBUG is on."
            )
        users = get_user_model().objects
        for username, password, is_instructor in DEMO_ACCOUNTS:
            user, created = users.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.set_password(password)
            user.is_staff = is_instructor
            user.save()
            if is_instructor:
                user.groups.add(Group.objects.get(name="Instructor"))
                for course in Course.objects.all():
                    course.instructors.add(user)
            state = "created" if created else "reset"
            self.stdout.write(
                f"{state}: {username} / {password}"
                + (" (instructor, staff)" if is_instructor else "")
            )
