"""The gradebook as CSV lines, safe to open in a spreadsheet.

Names and titles are user input: a cell starting with = + - @ (or a tab or carriage
return, which some spreadsheets skip before reading a formula) would run as a formula
in Excel or LibreOffice, so such cells get a leading single quote (OWASP's advice).
"""

import csv
from collections.abc import Iterable, Iterator

from quizzes.models import Quiz
from teaching.gradebook import Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(quizzes: list[Quiz], rows: Iterable[Row]) -> Iterator[list[str]]:
    """A header, then one line per learner: grade (percent) and attempts for each quiz."""
    header = ["username", "name", "cohort"]
    for quiz in quizzes:
        header += [f"{quiz.title} (%)", f"{quiz.title} (attempts)"]
    yield [safe_cell(h) for h in header]
    for row in rows:
        line = [row.username, row.name, row.cohort]
        for cell in row.cells:
            line += ["" if cell.grade is None else f"{cell.grade:.1f}", str(cell.attempts)]
        yield [safe_cell(v) for v in line]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(lines: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    return (writer.writerow(line) for line in lines)
