from django.apps import AppConfig


class LearningConfig(AppConfig):
    """The learner's own pages that combine courses and quizzes: dashboard, certificates, data."""

    name = "learning"
    verbose_name = "Learning"
