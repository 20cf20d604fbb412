"""Balanced: contested matter is taught together with the objections the sources raise."""

import re

CONTESTED_KINDS = {"proposal", "critique"}
PERSPECTIVES_HEADING = re.compile(r"^## Perspectives\s*$", re.MULTILINE)


def test_proposal_and_critique_lessons_have_a_perspectives_section(course):
    """Proposals and critiques are contested by nature, so each must present other views."""
    missing = [
        course.relative(lesson.path)
        for lesson in course.lessons
        if lesson.meta.get("kind") in CONTESTED_KINDS
        and not PERSPECTIVES_HEADING.search(lesson.body)
    ]
    assert not missing, f"lessons without a '## Perspectives' section: {missing}"
