from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from courses.content import register_part
        from courses.content_version import connect
        from courses.progress import register_requirement
        from quizzes.content import QuizContent
        from quizzes.models import Quiz
        from quizzes.requirements import required_quizzes_unmet

        register_part(QuizContent())
        connect(Quiz)  # lesson and course pages show their quizzes' titles and states
        register_requirement(required_quizzes_unmet)
