from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from courses.content import register_part
        from quizzes.content import QuizContent

        register_part(QuizContent())
