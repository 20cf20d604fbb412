from django.apps import AppConfig


class LtiConfig(AppConfig):
    """LTI 1.3 Advantage: launches from an institution's LMS, deep linking, grade passback."""

    name = "lti"
    verbose_name = "LTI"
