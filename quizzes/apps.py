from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from courses.content import register_part
        from courses.progress import register_requirement
        from quizzes.content import QuizContent
        from quizzes.requirements import required_quizzes_unmet

        register_part(QuizContent())
        register_requirement(required_quizzes_unmet)
