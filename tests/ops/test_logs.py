"""Structured events: one JSON object per line in production, key=value in a terminal."""

import json
import logging
import sys
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from indivisible.logs import JsonFormatter, PlainFormatter, log_event


def record(message="attempt.submitted", exc_info=None, **fields) -> logging.LogRecord:
    made = logging.LogRecord("indivisible.events", logging.INFO, __file__, 1, message, None,
                             exc_info)  # fmt: skip
    made.created = datetime(2026, 3, 1, 12, 30, 5, 250000, tzinfo=UTC).timestamp()
    if fields:
        made.event_fields = fields
    return made


def test_log_event_writes_the_event_and_its_fields_to_the_events_logger(caplog):
    with caplog.at_level(logging.INFO, logger="indivisible.events"):
        log_event("grade.changed", response=7, old_score=Decimal("0.5"), new_score=1)
    [event] = caplog.records
    assert event.name == "indivisible.events"
    assert event.getMessage() == "grade.changed"
    assert event.event_fields == {"response": 7, "old_score": Decimal("0.5"), "new_score": 1}


def test_log_event_refuses_a_field_that_would_overwrite_a_key_of_the_line():
    with pytest.raises(TypeError, match="may not be named level, time"):
        log_event("attempt.submitted", level=3, time="now")


def test_json_line_has_time_level_logger_event_then_the_fields():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    line = JsonFormatter().format(record(attempt=12, score=Decimal("3.500"), at=moment))
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-03-01T12:30:05.250+00:00",
        "level": "INFO",
        "logger": "indivisible.events",
        "event": "attempt.submitted",
        "attempt": 12,
        "score": "3.500",
        "at": "2026-01-02 03:04:05+00:00",
    }
    assert list(json.loads(line))[:4] == ["time", "level", "logger", "event"]


def test_json_line_carries_an_exception_as_one_field():
    try:
        raise ValueError("bad value")
    except ValueError:
        line = JsonFormatter().format(record("import.failed", exc_info=sys.exc_info()))
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["event"] == "import.failed"
    assert parsed["exception"].startswith("Traceback")
    assert parsed["exception"].endswith("ValueError: bad value")


def test_plain_line_appends_the_fields_as_key_value():
    line = PlainFormatter().format(record(attempt=12, score=Decimal("3.5")))
    assert line.endswith(" INFO indivisible.events attempt.submitted attempt=12 score=3.5")
