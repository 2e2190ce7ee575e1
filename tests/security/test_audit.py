"""S16: the audit trail (ASVS 16.2, 16.3): who, when, from where, on what; safe to read."""

import json
import logging

import pytest
from django.apps import apps
from django.test import Client

from core.logging import SafeFormatter
from core.models import AuditEvent
from customers.models import Customer
from tests import factories
from tests.security.routes import customer_path

# Models that need no django-simple-history table, and why.
UNTRACKED = {
    # Derived: rebuilt by jobs from the records that are tracked.
    "insights.AccountSummary": "derived",
    "insights.SummaryBuildState": "derived",
    "health.HealthSnapshot": "derived",
    "health.AccountHealth": "derived",
    "solutions.Mention": "derived from comment text",
    "insights.PrepBrief": "derived (rebuilt from the account before each planned meeting)",
    # A user's own choices about an account they see, not account data.
    "solutions.ProposalFollow": "a reader's choice to follow a discussion",
    "dialogue.CalendarFeed": "a user's calendar subscription (a secret token)",
    # Append-only logs: each row is itself the record of a change, with author and time.
    "solutions.ProposalTransition": "append-only log",
    "insights.PlanReviewEvent": "append-only log",
    "insights.PlanSectionRevision": "append-only log",
    "insights.PlanComment": "append-only (never edited), author and time on the row",
    "health.ScoreAnnotation": "append-only (never edited), author and time on the row",
    # Versioned through their own revision/event tables above.
    "insights.AccountPlan": "status changes in PlanReviewEvent",
    # Audited by core.audit's signal receivers.
    "accounts.AccountMembership": "AuditEvent member_added/member_removed",
    "accounts.Notification": "per-user inbox, not account data",
    "core.AuditEvent": "the audit log itself",
}


def test_every_account_record_model_keeps_a_change_history():
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label in UNTRACKED or model.__name__.startswith("Historical"):
            continue
        if model._meta.app_label not in {
            "customers",
            "dialogue",
            "solutions",
            "insights",
            "health",
        }:
            continue
        if customer_path(model) is None:
            continue
        if not hasattr(model, "history"):
            missing.append(label)
    assert not missing, f"add `history = HistoricalRecords()` (or list as derived): {missing}"


def test_sign_in_events_carry_actor_time_and_address(actors):
    client = Client()
    client.post(
        "/accounts/login/",
        {"username": actors.sales_a.username, "password": "wrong-password-77"},
        REMOTE_ADDR="203.0.113.9",
    )
    client.post(
        "/accounts/login/",
        {"username": actors.sales_a.username, "password": factories.PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.9")
    events = list(AuditEvent.objects.filter(ip_address="203.0.113.9").order_by("id"))
    assert [e.action for e in events] == ["login_failed", "login", "logout"]
    assert events[0].actor is None
    assert events[0].username == actors.sales_a.username
    assert all(e.actor_id == actors.sales_a.pk for e in events[1:])
    assert all(e.created_at.utcoffset().total_seconds() == 0 for e in events)
    assert all(e.request_id for e in events)


def test_denied_object_access_is_recorded(actors):
    client = Client()
    client.force_login(actors.outsider)
    client.get(f"/api/customers/{actors.customer_b.pk}/", REMOTE_ADDR="198.51.100.4")
    client.get(f"/customers/{actors.customer_b.pk}/", REMOTE_ADDR="198.51.100.4")
    events = AuditEvent.objects.filter(action="access_denied", actor=actors.outsider)
    assert {e.object_type for e in events} == {"customer-detail", "customers:detail"}
    assert {e.object_id for e in events} == {f"pk={actors.customer_b.pk}"}
    assert {e.ip_address for e in events} == {"198.51.100.4"}


def test_changes_to_account_records_are_recorded_with_their_author(actors):
    client = Client()
    client.force_login(actors.sales_a)
    response = client.patch(
        f"/api/customers/{actors.customer_a.pk}/",
        data=json.dumps({"industry": "Aerospace", "version": actors.customer_a.version}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.77",
    )
    assert response.status_code == 200
    change = Customer.history.filter(id=actors.customer_a.pk).latest("history_date")
    assert change.history_type == "~"
    assert change.history_user_id == actors.sales_a.pk
    assert change.history_change_reason == (f"ip=192.0.2.77 request={response['X-Request-ID']}")
    page = client.get(f"/customers/{actors.customer_a.pk}/audit/").content.decode()
    assert "Aerospace" in page
    assert "Manufacturing" in page


def test_membership_changes_are_audited(actors):
    member = factories.MembershipFactory(customer=actors.customer_a)
    member_pk = member.pk
    member.delete()
    actions = list(
        AuditEvent.objects.filter(customer=actors.customer_a, object_id=str(member_pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["member_added", "member_removed"]


def test_control_characters_cannot_forge_log_lines(db, caplog):
    evil = "mallory\nINFO accord.audit forged: login ok\x1b[31m"
    caplog.set_level(logging.INFO, logger="accord.audit")
    Client().post("/accounts/login/", {"username": evil, "password": "whatever-it-is"})
    event = AuditEvent.objects.get(action="login_failed")
    assert "\n" not in event.username
    assert "\x1b" not in event.username
    assert "\\n" in event.username
    formatter = SafeFormatter("%(message)s")
    for record in caplog.records:
        line = formatter.format(record)
        assert "\n" not in line
        assert "\x1b" not in line


def test_no_secrets_reach_the_logs(actors, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(enforce_csrf_checks=False)
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/",
        {"username": actors.sales_a.username, "password": "wrong-password-for-log"},
    )
    client.post(
        "/accounts/login/",
        {"username": actors.sales_a.username, "password": factories.PASSWORD},
    )
    session_key = client.session.session_key
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    token = client.post(
        "/api/auth/token/",
        data=json.dumps({"username": actors.sales_a.username, "password": factories.PASSWORD}),
        content_type="application/json",
    ).json()["token"]
    client.get(f"/api/customers/{actors.customer_b.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for secret in (factories.PASSWORD, "wrong-password-for-log", session_key, token, csrf):
        if secret:
            assert secret not in logged
    stored = "".join(str(e.__dict__) for e in AuditEvent.objects.all())
    for secret in (factories.PASSWORD, "wrong-password-for-log", session_key, token):
        assert secret not in stored


@pytest.mark.parametrize("name", ["spec_a", "viewer_a"])
def test_specialists_and_viewers_cannot_read_the_audit_trail(actors, name):
    client = Client()
    client.force_login(getattr(actors, name))
    assert client.get(f"/customers/{actors.customer_a.pk}/audit/").status_code == 403
