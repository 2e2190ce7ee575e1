import pytest
from django.db import connection
from django.urls import reverse

from dialogue.search import SOURCES, StoredVector, _model, search
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

TERM = "turbocharger"


def _records_with_term(customer, author, term=TERM):
    proposal = factories.ProposalFactory(customer=customer, title=f"{term} upgrade", owner=author)
    return {
        "meeting": factories.MeetingFactory(
            customer=customer, notes=f"They asked about the {term}."
        ),
        "problem": factories.ProblemFactory(customer=customer, title=f"{term} failures"),
        "goal": factories.GoalFactory(customer=customer, title=f"Fewer {term} stops"),
        "stakeholder": factories.StakeholderFactory(
            customer=customer, name="Ola", title=f"{term} engineer"
        ),
        "proposal": proposal,
        "comment": factories.CommentFactory(proposal=proposal, body=f"The {term} price is fine"),
    }


def test_search_finds_every_type_and_never_another_teams_records(actors):
    mine = _records_with_term(actors.customer_a, actors.sales_a)
    theirs = _records_with_term(actors.customer_b, actors.sales_b)
    hits, has_next = search(actors.spec_a, TERM)
    found = {(hit.type, hit.id) for hit in hits}
    assert found == {(kind, record.pk) for kind, record in mine.items()}
    assert not has_next
    assert all(hit.customer_id == actors.customer_a.pk for hit in hits)
    theirs_hits, _ = search(actors.sales_b, TERM)
    assert {(hit.type, hit.id) for hit in theirs_hits} == {(k, r.pk) for k, r in theirs.items()}
    assert search(actors.outsider, TERM)[0] == []


def test_search_page_and_api_never_return_another_teams_records(client, actors):
    _records_with_term(actors.customer_a, actors.sales_a)
    _records_with_term(actors.customer_b, actors.sales_b)
    client.force_login(actors.sales_b)
    body = client.get(reverse("dialogue:search"), {"q": TERM}).content.decode()
    assert "Alpha Industries" not in body
    assert "Beta Holdings" in body
    results = api_as(actors.sales_b).get("/api/search/", {"q": TERM}).json()["results"]
    assert results
    assert {hit["customer"] for hit in results} == {actors.customer_b.pk}


def test_deleted_records_are_not_found(actors):
    from django.utils import timezone

    factories.MeetingFactory(
        customer=actors.customer_a, title=f"{TERM} review", deleted_at=timezone.now()
    )
    assert search(actors.sales_a, TERM)[0] == []


def test_snippet_escapes_user_text_and_only_marks_survive(actors):
    factories.MeetingFactory(
        customer=actors.customer_a,
        title="Visit",
        notes=f"<script>alert(1)</script> the {TERM} <img src=x onerror=alert(2)> broke",
    )
    (hit,), _ = search(actors.sales_a, TERM)
    snippet = str(hit.snippet)
    assert "<script" not in snippet
    assert "<img" not in snippet
    assert f"<mark>{TERM}</mark>".lower() in snippet.lower()
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_title_matches_rank_above_body_matches(actors, is_postgres):
    body_hit = factories.MeetingFactory(
        customer=actors.customer_a, title="Weekly call", notes=f"one {TERM}"
    )
    title_hit = factories.MeetingFactory(customer=actors.customer_a, title=f"{TERM} workshop")
    hits, _ = search(actors.sales_a, TERM)
    assert [hit.id for hit in hits] == [title_hit.pk, body_hit.pk]


def test_search_is_paginated(actors):
    for i in range(25):
        factories.GoalFactory(customer=actors.customer_a, title=f"{TERM} goal {i}")
    first, has_next = search(actors.sales_a, TERM, page=1, size=20)
    second, more = search(actors.sales_a, TERM, page=2, size=20)
    assert (len(first), has_next, len(second), more) == (20, True, 5, False)
    assert not {h.id for h in first} & {h.id for h in second}


def test_search_page_validation(client, actors):
    client.force_login(actors.sales_a)
    url = reverse("dialogue:search")
    assert client.get(url).status_code == 200
    for bad in ("", "a", "x" * 201):
        response = client.get(url, {"q": bad})
        assert response.status_code == 400
        assert 'id="id_q_error"' in response.content.decode()
    # A page number that is not one is a 400 naming it, like every other bad parameter.
    response = client.get(url, {"q": "ok", "page": "abc"})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_search_page_requires_login(client):
    assert client.get(reverse("dialogue:search"), {"q": TERM}).status_code == 302


def test_websearch_syntax_and_odd_input_do_not_fail(actors):
    factories.MeetingFactory(customer=actors.customer_a, title=f"{TERM} review")
    for q in (f'"{TERM}" -foo', "a & b | !c", "(((", "'; DROP TABLE x; --", "ünïcödé", "%_\\"):
        search(actors.sales_a, q)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.type)
def test_search_uses_the_gin_index_on_the_stored_vector(actors, is_postgres, source):
    if not is_postgres:
        pytest.skip("GIN indexes exist on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    queryset = (
        _model(source)
        ._default_manager.annotate(search=StoredVector())
        .filter(search=SearchQuery("word", config="english", search_type="websearch"))
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert f"dlg_{source.type}_sv" in plan


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.type)
def test_stored_vector_weights_the_sources_fields(actors, is_postgres, source):
    """The generated column (migration dialogue 0003) holds what SOURCES declares."""
    if not is_postgres:
        pytest.skip("the stored vector exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchVector

    expected = None
    for weight, fields in source.weighted_fields:
        part = SearchVector(*fields, weight=weight, config="english")
        expected = part if expected is None else expected + part
    model = _model(source)
    factory = {
        "meeting": lambda: factories.MeetingFactory(customer=actors.customer_a),
        "problem": lambda: factories.ProblemFactory(customer=actors.customer_a),
        "goal": lambda: factories.GoalFactory(customer=actors.customer_a),
        "stakeholder": lambda: factories.StakeholderFactory(customer=actors.customer_a),
        "proposal": lambda: factories.ProposalFactory(customer=actors.customer_a),
        "comment": lambda: factories.CommentFactory(),
    }[source.type]
    record = factory()
    stored, computed = (
        model._default_manager.filter(pk=record.pk)
        .annotate(stored=StoredVector(), computed=expected)
        .values_list("stored", "computed")
        .get()
    )
    assert stored
    assert stored == computed
