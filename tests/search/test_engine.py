import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from search.engine import SOURCES, TYPES, search, search_grouped
from search.query import highlight, parse
from search.sql import StoredVector
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
        "contribution": factories.ContributionFactory(
            proposal=proposal, request=f"Size the {term} housing"
        ),
        "comment": factories.CommentFactory(proposal=proposal, body=f"The {term} price is fine"),
    }


def _found(hits):
    return {(hit.type, hit.id) for hit in hits}


def test_search_finds_every_type_and_never_another_teams_records(actors):
    mine = _records_with_term(actors.customer_a, actors.sales_a)
    theirs = _records_with_term(actors.customer_b, actors.sales_b)
    hits, has_next = search(actors.spec_a, TERM)
    assert _found(hits) == {(kind, record.pk) for kind, record in mine.items()}
    assert not has_next
    assert all(hit.customer_id == actors.customer_a.pk for hit in hits)
    theirs_hits, _ = search(actors.sales_b, TERM)
    assert _found(theirs_hits) == {(k, r.pk) for k, r in theirs.items()}
    assert search(actors.outsider, TERM)[0] == []


def test_accounts_are_found_by_name_industry_and_website_of_visible_accounts_only(actors):
    nordwind = factories.CustomerFactory(
        name="Nordwind Logistik",
        industry="Spedition",
        website="https://nordwind.example",
        lead=actors.sales_a,
    )
    factories.CustomerFactory(name="Nordwind Süd", lead=actors.sales_b)
    for q in ("nordw", "NORDWIND", "spedi", "nordwind.example"):
        hits, _ = search(actors.sales_a, q, type="account")
        assert _found(hits) == {("account", nordwind.pk)}, q
    assert search(actors.outsider, "nordwind")[0] == []


def test_colleagues_are_found_by_name_within_teams_and_visible_accounts_only(actors):
    actors.spec_a.first_name, actors.spec_a.last_name = "Jürgen", "Weiß"
    actors.spec_a.save()
    actors.sales_b.first_name, actors.sales_b.last_name = "Jürgen", "Brandt"
    actors.sales_b.save()
    hits, _ = search(actors.sales_a, "jurgen", type="user")
    assert _found(hits) == {("user", actors.spec_a.pk)}
    hits, _ = search(actors.sales_b, "jurgen", type="user")
    assert _found(hits) == {("user", actors.sales_b.pk)}
    assert search(actors.outsider, "jurgen")[0] == []
    # A manager finds the people of their team; an admin finds everyone.
    assert ("user", actors.spec_a.pk) in _found(search(actors.mgr_a, "jurgen")[0])
    assert len(search(actors.admin, "jurgen", type="user")[0]) == 2


def test_accents_and_case_are_folded_both_ways(actors):
    person = factories.StakeholderFactory(customer=actors.customer_a, name="Anna Schröder")
    plain = factories.StakeholderFactory(customer=actors.customer_a, name="Ute Strasse")
    for q in ("schroder", "SCHRÖDER", "schröder"):
        assert _found(search(actors.sales_a, q)[0]) == {("stakeholder", person.pk)}, q
    assert _found(search(actors.sales_a, "straße")[0]) == {("stakeholder", plain.pk)}


def test_names_forgive_typos_on_postgresql(actors, is_postgres):
    if not is_postgres:
        pytest.skip("trigram similarity is PostgreSQL's (pg_trgm)")
    person = factories.StakeholderFactory(customer=actors.customer_a, name="Anna Schröder")
    account = factories.CustomerFactory(name="Nordwind", lead=actors.sales_a)
    for q in ("Schroeder", "Shroder"):
        assert ("stakeholder", person.pk) in _found(search(actors.sales_a, q)[0]), q
    assert ("account", account.pk) in _found(search(actors.sales_a, "nordwnd")[0])


def test_words_match_word_starts_not_the_middle_of_words(actors):
    """The issue's "Ines" matched an unrelated meeting about business."""
    factories.MeetingFactory(customer=actors.customer_a, title="Business review")
    ines = factories.StakeholderFactory(customer=actors.customer_a, name="Ines Wagner")
    assert _found(search(actors.sales_a, "Ines")[0]) == {("stakeholder", ines.pk)}


def test_phrases_and_exclusions(actors):
    both = factories.MeetingFactory(customer=actors.customer_a, title="Gate slot for trucks")
    slot = factories.MeetingFactory(customer=actors.customer_a, title="Gate slot planning")
    apart = factories.MeetingFactory(customer=actors.customer_a, title="Slot at the gate")
    assert _found(search(actors.sales_a, '"gate slot"')[0]) == {
        ("meeting", both.pk),
        ("meeting", slot.pk),
    }
    assert _found(search(actors.sales_a, '"gate slot" -truck')[0]) == {("meeting", slot.pk)}
    assert ("meeting", apart.pk) in _found(search(actors.sales_a, "gate slot")[0])
    assert search(actors.sales_a, "-gate")[0] == []


def test_exact_name_first_then_accounts_and_people_before_the_rest(actors):
    factories.MeetingFactory(customer=actors.customer_a, title="Nordwind kickoff")
    prefix = factories.CustomerFactory(name="Nordwind Bau", lead=actors.sales_a)
    exact = factories.CustomerFactory(name="Nordwind", lead=actors.sales_a)
    hits, _ = search(actors.sales_a, "nordwind")
    assert [(hit.type, hit.id) for hit in hits][:2] == [
        ("account", exact.pk),
        ("account", prefix.pk),
    ]
    assert [hit.type for hit in hits] == sorted((hit.type for hit in hits), key=TYPES.index)


def test_deleted_records_are_not_found(actors):
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
    assert f"<mark>{TERM}</mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


def test_highlights_mark_folded_matches_in_the_original_text():
    marked = highlight("Frau <Schröder> und Straße", parse("schroder strasse"))
    assert str(marked) == "Frau &lt;<mark>Schröder</mark>&gt; und <mark>Straße</mark>"


def test_title_matches_rank_above_body_matches(actors):
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


def test_grouped_results_cap_each_type_and_say_there_is_more(actors):
    for i in range(4):
        factories.GoalFactory(customer=actors.customer_a, title=f"{TERM} goal {i}")
    factories.ProblemFactory(customer=actors.customer_a, title=f"{TERM} problem")
    groups = search_grouped(actors.sales_a, TERM, per_type=3)
    assert [(g.type, len(g.hits), g.has_more) for g in groups] == [
        ("goal", 3, True),
        ("problem", 1, False),
    ]


def test_odd_input_does_not_fail(actors):
    factories.MeetingFactory(customer=actors.customer_a, title=f"{TERM} review")
    for q in (
        f'"{TERM}" -foo',
        "a & b | !c",
        "(((",
        "'; DROP TABLE x; --",
        "ünïcödé",
        "%_\\",
        "x:* | y",
        '"',
        "-",
        "a_b",
        "ǅ ß ﬁ",
    ):
        search(actors.sales_a, q)
        search_grouped(actors.sales_a, q, per_type=3)


def test_results_page_groups_and_isolates(client, actors):
    _records_with_term(actors.customer_a, actors.sales_a)
    _records_with_term(actors.customer_b, actors.sales_b)
    client.force_login(actors.sales_b)
    body = client.get(reverse("search:results"), {"q": TERM}).content.decode()
    assert "Alpha Industries" not in body
    assert "Beta Holdings" in body
    assert body.index("People at customers") < body.index("Meetings") < body.index("Comments")
    results = api_as(actors.sales_b).get("/api/search/", {"q": TERM}).json()["results"]
    assert results
    assert {hit["customer"] for hit in results} == {actors.customer_b.pk}


def test_results_page_one_type_is_paginated(client, actors):
    for i in range(22):
        factories.GoalFactory(customer=actors.customer_a, title=f"{TERM} goal {i}")
    client.force_login(actors.sales_a)
    url = reverse("search:results")
    first = client.get(url, {"q": TERM, "type": "goal"}).content.decode()
    assert first.count('class="search-hit"') == 20
    assert 'rel="next"' in first
    second = client.get(url, {"q": TERM, "type": "goal", "page": 2}).content.decode()
    assert second.count('class="search-hit"') == 2
    assert client.get(url, {"q": TERM, "type": "nonsense"}).status_code == 400


def test_search_page_validation(client, actors):
    client.force_login(actors.sales_a)
    url = reverse("search:results")
    assert client.get(url).status_code == 200
    for bad in ("", "a", "x" * 201):
        response = client.get(url, {"q": bad})
        assert response.status_code == 400
        assert 'id="id_q_error"' in response.content.decode()
    response = client.get(url, {"q": "ok", "page": "abc"})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_search_pages_require_login(client):
    assert client.get(reverse("search:results"), {"q": TERM}).status_code == 302
    assert client.get(reverse("search:suggest"), {"q": TERM}).status_code == 302


def test_type_ahead_lists_the_top_hits_of_each_type_and_a_full_results_link(client, actors):
    account = factories.CustomerFactory(name="Nordwind", lead=actors.sales_a)
    factories.CustomerFactory(name="Nordwind Süd", lead=actors.sales_b)
    client.force_login(actors.sales_a)
    body = client.get(reverse("search:suggest"), {"q": "nordw"}).content.decode()
    assert 'role="listbox"' in body
    assert f'href="{reverse("customers:detail", args=[account.pk])}"' in body
    assert "<mark>Nordw</mark>ind" in body
    assert "Süd" not in body
    assert "/search/?q=nordw" in body
    # One letter: an empty fragment, not an error.
    response = client.get(reverse("search:suggest"), {"q": "n"})
    assert (response.status_code, response.content.strip()) == (200, b"")


@pytest.mark.parametrize("rows", [1, 6])
def test_query_counts_do_not_grow_with_matches(client, actors, django_assert_max_num_queries, rows):
    for i in range(rows):
        _records_with_term(actors.customer_a, actors.sales_a)
        factories.CustomerFactory(name=f"{TERM} {i}", lead=actors.sales_a)
    client.force_login(actors.sales_a)
    # A new session is written twice (sign-in time, then the idle window), then once a minute.
    for _ in range(2):
        client.get(reverse("search:results"))
    # Session and user, the visible customers (once), one query per type (9: accounts, people
    # at customers, colleagues, meetings, goals, problems, proposals, contributions, comments;
    # a colleague's name that matches adds the visibility check for the named), the unread
    # count. (Someone who sees many customers may add one query per text type: the walk over the
    # newest rows, then all matches when the walk found too few.)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("search:suggest"), {"q": TERM}).status_code == 200
    # The same for the full page.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("search:results"), {"q": TERM}).status_code == 200
    # One type: session, user, the visible customers, its one query, the notification count.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("search:results"), {"q": TERM, "type": "goal"})
        assert response.status_code == 200


def test_someone_who_sees_many_customers_costs_at_most_two_queries_per_text_type(
    actors, is_postgres, monkeypatch, django_assert_max_num_queries
):
    """The walk over the newest rows, then (too few matches there) every match: bounded."""
    if not is_postgres:
        pytest.skip("the walk is PostgreSQL's")
    from search import sql

    monkeypatch.setattr(sql, "FEW_CUSTOMERS", 0)
    _records_with_term(actors.customer_a, actors.sales_a)
    # 1 visible-customers query, 2 name types, 1 colleagues (nobody named), 6 text types x 2.
    with django_assert_max_num_queries(16):
        groups = search_grouped(actors.sales_a, TERM, per_type=3)
    assert {group.type for group in groups} >= {"meeting", "goal"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.type)
def test_search_uses_the_gin_index_on_the_stored_vector(actors, is_postgres, source):
    if not is_postgres:
        pytest.skip("GIN indexes exist on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    queryset = source.model._default_manager.annotate(search=StoredVector()).filter(
        search=SearchQuery("word:*", config="public.accord", search_type="raw")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "_sv" in plan


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.type)
def test_stored_vector_holds_every_searched_field_folded(actors, is_postgres, source):
    """The generated column (migration search 0001) covers each field SOURCES searches."""
    if not is_postgres:
        pytest.skip("the stored vector exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    model = source.model
    record = (
        model._default_manager.order_by("pk").last()
        or {
            "meeting": lambda: factories.MeetingFactory(customer=actors.customer_a),
            "goal": lambda: factories.GoalFactory(customer=actors.customer_a),
            "problem": lambda: factories.ProblemFactory(customer=actors.customer_a),
            "stakeholder": lambda: factories.StakeholderFactory(customer=actors.customer_a),
            "proposal": lambda: factories.ProposalFactory(customer=actors.customer_a),
            "contribution": lambda: factories.ContributionFactory(),
            "comment": lambda: factories.CommentFactory(),
        }[source.type]()
    )
    for name in source.fields:
        value = "https://zyxwöv.example" if name == "website" else "Zyxwöv"
        if name == "email":
            value = "zyxwov@example.com"
        blank = {f: "" for f in source.fields if f not in ("name", "title")}
        model._default_manager.filter(pk=record.pk).update(**{**blank, name: value})
        found = model._default_manager.annotate(search=StoredVector()).filter(
            pk=record.pk,
            search=SearchQuery("zyxwov:*", config="public.accord", search_type="raw"),
        )
        assert found.exists(), name


@pytest.fixture
def fresh_text_sql():
    """The text types' statements are built once per process: rebuild them around a test that
    changes the walk's size, and afterwards."""
    from search import sql

    sql._text_sql.cache_clear()
    yield sql
    sql._text_sql.cache_clear()


@pytest.mark.parametrize(
    ("walk", "few"),
    [(1, 0), (50, 0), (50, 50)],
    ids=["all-matches-by-index", "newest-rows-walked", "own-customers-read"],
)
def test_a_text_type_ranks_the_newest_visible_live_matches_each_way(
    actors, is_postgres, monkeypatch, fresh_text_sql, walk, few
):
    """Few matches among the newest rows: the GIN index gives every match; many: the walk over
    the newest rows stops early; someone who sees few customers has their rows read. Each way
    gives the newest visible, live matches."""
    if not is_postgres:
        pytest.skip("the walk and the GIN index are PostgreSQL's")
    import datetime as dt

    from dialogue.models import Meeting

    monkeypatch.setattr(fresh_text_sql, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(fresh_text_sql, "WALK", walk)
    monkeypatch.setattr(fresh_text_sql, "FEW_CUSTOMERS", few)
    now = timezone.now()
    mine = [
        factories.MeetingFactory(
            customer=actors.customer_a,
            notes=f"The {TERM} again",
            occurred_at=now - dt.timedelta(days=1 + i),
        )
        for i in range(5)
    ]
    # Newer, but another team's, deleted, or not about the term.
    factories.MeetingFactory(customer=actors.customer_b, notes=TERM, occurred_at=now)
    deleted = factories.MeetingFactory(customer=actors.customer_a, notes=TERM, occurred_at=now)
    Meeting._base_manager.filter(pk=deleted.pk).update(deleted_at=now)
    for _ in range(3):
        factories.MeetingFactory(customer=actors.customer_a, notes="Lunch", occurred_at=now)
    hits, has_next = search(actors.sales_a, TERM[:5], type="meeting", size=2)
    assert [hit.id for hit in hits] == [mine[0].pk, mine[1].pk]
    assert has_next
    hits, _ = search(actors.sales_a, TERM[:5], type="meeting", size=2, page=2)
    # Only the newest three matches are ranked.
    assert [hit.id for hit in hits] == [mine[2].pk]
