"""C05: a double-submitted create (same `Idempotency-Key`, same body, within 50 ms) makes one
row and both callers get the same answer; keys are UUIDs, per caller, and expire after 24 h."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from dialogue.models import Meeting
from integrity.idempotency import purge_expired_keys
from integrity.models import IdempotencyKey
from tests import factories
from tests.concurrency.helpers import Racers

pytestmark = pytest.mark.django_db


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def meeting_body(actors, title: str = "Kick-off") -> dict:
    return {
        "customer": actors.customer_a.pk,
        "title": title,
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "customer_said": "We need faster picking.",
    }


def post(client: APIClient, body: dict, key: str):
    return client.post("/api/meetings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # two threads, two connections: real commits
def test_c05_a_double_submit_creates_one_meeting_and_two_identical_answers_50_of_50(actors):
    clients = [session_client(actors.sales_a), session_client(actors.sales_a)]
    outcomes = []
    with Racers(2) as racers:
        for round_no in range(50):
            key, body = str(uuid.uuid4()), meeting_body(actors, f"Meeting {round_no}")
            first, second = racers.race(lambda i, key=key, body=body: post(clients[i], body, key))
            outcomes.append(
                first.status_code == second.status_code == 201
                and first.content == second.content
                and Meeting.objects.filter(title=f"Meeting {round_no}").count() == 1
            )
    assert outcomes.count(True) == 50


def test_a_repeat_later_replays_the_stored_answer(actors):
    client = session_client(actors.sales_a)
    key, body = str(uuid.uuid4()), meeting_body(actors)
    first = post(client, body, key)
    again = post(client, body, key)
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert again["Idempotent-Replayed"] == "true"
    assert Meeting.objects.count() == 1


def test_a_key_that_is_not_a_uuid_is_refused_with_400(actors):
    response = post(session_client(actors.sales_a), meeting_body(actors), "not-a-uuid")
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["Must be a UUID."]}
    assert Meeting.objects.count() == 0


def test_the_same_key_with_another_body_is_refused_with_422(actors):
    client = session_client(actors.sales_a)
    key = str(uuid.uuid4())
    assert post(client, meeting_body(actors, "One"), key).status_code == 201
    assert post(client, meeting_body(actors, "Two"), key).status_code == 422
    assert list(Meeting.objects.values_list("title", flat=True)) == ["One"]


def test_two_callers_with_the_same_key_each_get_their_own_create(actors):
    key = str(uuid.uuid4())
    assert post(session_client(actors.sales_a), meeting_body(actors, "A"), key).status_code == 201
    assert post(session_client(actors.spec_a), meeting_body(actors, "B"), key).status_code == 201
    assert Meeting.objects.count() == 2


def test_a_refused_request_is_remembered_too(actors):
    client = session_client(actors.outsider)
    key, body = str(uuid.uuid4()), meeting_body(actors)
    assert post(client, body, key).status_code == 400
    assert post(client, body, key).status_code == 400
    assert Meeting.objects.count() == 0


def test_keys_expire_after_24_hours_and_the_daily_purge_removes_them(actors):
    client = session_client(actors.sales_a)
    key, body = str(uuid.uuid4()), meeting_body(actors)
    assert post(client, body, key).status_code == 201
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        client = session_client(actors.sales_a)  # the old session has ended by now
        assert post(client, body, key).status_code == 201  # a new request by now
        assert Meeting.objects.count() == 2
    with time_machine.travel(timezone.now() + dt.timedelta(hours=50)):
        assert purge_expired_keys() == 1
    assert IdempotencyKey.objects.count() == 0


def test_without_the_header_nothing_is_stored(actors):
    client = session_client(actors.sales_a)
    assert client.post("/api/meetings/", meeting_body(actors), format="json").status_code == 201
    assert IdempotencyKey.objects.count() == 0


def test_token_callers_are_scoped_by_their_token(actors):
    key = "idempotency-test-token"
    factories.ApiTokenFactory(user=actors.sales_a, key=key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    key, body = str(uuid.uuid4()), meeting_body(actors)
    first, again = post(client, body, key), post(client, body, key)
    assert first.status_code == 201
    assert again.content == first.content
    assert Meeting.objects.count() == 1


def test_a_body_too_large_to_fingerprint_is_refused_as_without_the_header(actors, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = meeting_body(actors, "x" * 200)
    response = post(session_client(actors.sales_a), body, str(uuid.uuid4()))
    assert response.status_code in {400, 413}
    assert Meeting.objects.count() == 0
