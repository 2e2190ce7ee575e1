"""Structured logs in production: one JSON object per line, and one line per request with the
request id, user id, path, status and duration."""

import json
import logging

from django.test import Client, override_settings

from core.logging import JsonFormatter, RequestIdFilter, request_id_var


def formatted(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_json_lines_carry_the_request_id_and_extra_fields():
    token = request_id_var.set("abc123")
    try:
        record = logging.LogRecord(
            "accord.x", logging.INFO, __file__, 1, "hello %s", ("you",), None
        )
        record.user_id = 7
        entry = formatted(record)
    finally:
        request_id_var.reset(token)
    assert entry["message"] == "hello you"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "accord.x"
    assert entry["request_id"] == "abc123"
    assert entry["user_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_a_message_with_line_breaks_stays_one_line():
    record = logging.LogRecord("accord", logging.WARNING, __file__, 1, "a\nFAKE b\r\x1b", (), None)
    assert formatted(record)["message"] == "a\nFAKE b\r\x1b"


def test_tracebacks_go_into_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "accord", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    entry = formatted(record)
    assert "ValueError: boom" in entry["exception"]


@override_settings(LOG_REQUESTS=True)
def test_each_request_writes_one_line_with_user_route_status_and_duration(actors, caplog):
    client = Client()
    client.force_login(actors.sales_a)
    with caplog.at_level(logging.INFO, logger="accord.request"):
        response = client.get(f"/customers/{actors.customer_a.pk}/?q=secret-search")
    lines = [r for r in caplog.records if r.name == "accord.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line.user_id == actors.sales_a.pk
    assert line.status == 200
    assert line.route == "customers/<int:pk>/"
    assert line.path == f"/customers/{actors.customer_a.pk}/"
    assert line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"]
    # Query strings may hold what people searched for: they stay out of the log.
    assert "secret-search" not in json.dumps(formatted(line))


@override_settings(LOG_REQUESTS=True)
def test_anonymous_requests_log_no_user(db, caplog):
    with caplog.at_level(logging.INFO, logger="accord.request"):
        Client().get("/accounts/login/")
    (line,) = [r for r in caplog.records if r.name == "accord.request"]
    assert line.user_id is None
    assert line.status == 200
