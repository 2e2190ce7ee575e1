"""Pages: the board, the proposal page, forms, contributions, comments and partners."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from solutions import services
from solutions.models import Comment, Contribution, Partner, Proposal
from tests import factories

HTMX = {"HX-Request": "true"}


def _url(name, *args):
    return reverse(f"solutions:{name}", args=args)


# Visibility: outsiders 404, read-only roles 403


@pytest.mark.parametrize("who", ["outsider", "sales_b", "mgr_b", "sales_a2"])
def test_outsiders_get_404_on_every_page(client, actors, proposal_a, contribution_a, who):
    comment = services.post_comment(proposal_a, author=actors.sales_a, body="hello")
    client.force_login(getattr(actors, who))
    gets = [
        _url("board", actors.customer_a.pk),
        _url("add-proposal", actors.customer_a.pk),
        _url("proposal", proposal_a.pk),
        _url("edit-proposal", proposal_a.pk),
        _url("request-contribution", proposal_a.pk),
        _url("contribution", contribution_a.pk),
    ]
    posts = [
        (_url("transition-proposal", proposal_a.pk), {"to": "in_review"}),
        (_url("add-comment", proposal_a.pk), {"body": "x"}),
        (_url("add-contribution-comment", contribution_a.pk), {"body": "x"}),
        (_url("answer-contribution", contribution_a.pk, "accept"), {}),
        (_url("write-contribution", contribution_a.pk), {"description": "x", "version": 1}),
        (_url("edit-comment", comment.pk), {"body": "x", "version": 1}),
        (_url("delete-comment", comment.pk), {}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Comment.objects.count() == 1
    assert Proposal.objects.get().status == "draft"


def test_specialist_not_on_the_account_cannot_see_or_comment(client, actors, proposal_a):
    other_specialist = factories.UserFactory(role="specialist")
    factories.MembershipFactory(customer=actors.customer_b, user=other_specialist)
    client.force_login(other_specialist)
    assert client.get(_url("proposal", proposal_a.pk)).status_code == 404
    response = client.post(_url("add-comment", proposal_a.pk), {"body": "sneaky"}, headers=HTMX)
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_viewer_reads_but_gets_403_on_writes(client, actors, proposal_a, contribution_a):
    client.force_login(actors.viewer_a)
    assert client.get(_url("board", actors.customer_a.pk)).status_code == 200
    page = client.get(_url("proposal", proposal_a.pk))
    assert page.status_code == 200
    assert b"Post comment" not in page.content
    assert client.get(_url("add-proposal", actors.customer_a.pk)).status_code == 403
    assert client.get(_url("edit-proposal", proposal_a.pk)).status_code == 403
    assert client.post(_url("add-comment", proposal_a.pk), {"body": "x"}).status_code == 403
    transition = client.post(_url("transition-proposal", proposal_a.pk), {"to": "in_review"})
    assert transition.status_code == 403
    accept = client.post(_url("answer-contribution", contribution_a.pk, "accept"))
    assert accept.status_code == 403


# Who may transition


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sales_a", 302),  # the account lead
        ("mgr_a", 302),
        ("admin", 302),
        ("spec_a", 403),  # a specialist who does not own it
        ("viewer_a", 403),
        ("outsider", 404),
        ("mgr_b", 404),
    ],
)
def test_who_may_transition(client, actors, who, expected):
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.sales_a)
    client.force_login(getattr(actors, who))
    response = client.post(_url("transition-proposal", proposal.pk), {"to": "in_review"})
    assert response.status_code == expected
    proposal.refresh_from_db()
    assert proposal.status == ("in_review" if expected == 302 else "draft")


def test_the_owner_may_transition_though_not_the_lead(client, actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.spec_a)
    client.force_login(actors.spec_a)
    client.post(_url("transition-proposal", proposal.pk), {"to": "in_review"})
    proposal.refresh_from_db()
    assert proposal.status == "in_review"


def test_illegal_transition_in_a_page_says_what_is_allowed(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    response = client.post(
        _url("transition-proposal", proposal_a.pk), {"to": "accepted"}, follow=True
    )
    assert b"allowed: in_review, withdrawn" in response.content
    proposal_a.refresh_from_db()
    assert proposal_a.status == "draft"


# Board and proposal page


def test_board_has_a_column_per_status(client, actors, proposal_a):
    factories.ProposalFactory(customer=actors.customer_a, title="Old idea", status="withdrawn")
    client.force_login(actors.sales_a)
    response = client.get(_url("board", actors.customer_a.pk))
    html = response.content.decode()
    for label in ("Draft", "In review", "Presented", "Accepted", "Rejected", "Withdrawn"):
        assert f">{label} <" in html
    assert "Faster deliveries" in html
    assert "Old idea" in html


def _fill(customer, lead, specialist, n):
    partner = factories.PartnerFactory()
    for i in range(n):
        proposal = factories.ProposalFactory(customer=customer, owner=lead)
        problem = factories.ProblemFactory(customer=customer)
        problem.blocks_goals.add(factories.GoalFactory(customer=customer))
        proposal.problems.add(problem)
        factories.ContributionFactory(proposal=proposal, specialist=specialist)
        factories.ContributionFactory(proposal=proposal, specialist=None, partner=partner)
        comment = factories.CommentFactory(proposal=proposal, author=lead)
        factories.CommentFactory(proposal=proposal, author=specialist, parent=comment)
        if i == 0:
            first = proposal
    return first


# Queries of the board (10): session, user, customer with access annotations, proposals with
# owner and counts, severe open problems and their live proposals (2), unread notification
# count (navigation), and the idle-session refresh (savepoint, update, release). One spare
# for a middleware's check.
BOARD_QUERIES = 11


@pytest.mark.parametrize("n", [1, 10])
def test_board_query_count_is_pinned(client, actors, django_assert_max_num_queries, n):
    _fill(actors.customer_a, actors.sales_a, actors.spec_a, n)
    client.force_login(actors.sales_a)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(_url("board", actors.customer_a.pk))
    assert response.status_code == 200
    assert response.content.count(b'class="board-card"') == n


def test_board_flags_severe_problems_no_proposal_addresses(client, actors, proposal_a):
    factories.ProblemFactory(customer=actors.customer_a, title="Cash gap", severity="critical")
    factories.ProblemFactory(customer=actors.customer_a, title="Minor gripe", severity="low")
    withdrawn = factories.ProposalFactory(customer=actors.customer_a, status="withdrawn")
    lonely = factories.ProblemFactory(
        customer=actors.customer_a, title="Only withdrawn", severity="high"
    )
    withdrawn.problems.add(lonely)
    client.force_login(actors.viewer_a)
    problems = list(client.get(_url("board", actors.customer_a.pk)).context["severe_problems"])
    assert [p.title for p in problems] == ["Cash gap", "Late deliveries", "Only withdrawn"]
    assert [[x.pk for x in p.active_proposals] for p in problems] == [[], [proposal_a.pk], []]


# Queries of the proposal page (16): session, user, proposal with owner and creator, its
# problems, their goals, options, contributions with people/partner/area, transitions,
# customer with access, the change log with its users, top-level comments with authors,
# their replies, unread notification count, and the idle-session refresh (3). One spare
# for a middleware's check.
PROPOSAL_QUERIES = 17


@pytest.mark.parametrize("n", [1, 10])
def test_proposal_page_query_count_is_pinned(client, actors, django_assert_max_num_queries, n):
    proposal = _fill(actors.customer_a, actors.sales_a, actors.spec_a, 1)
    for _ in range(n - 1):
        problem = factories.ProblemFactory(customer=actors.customer_a)
        problem.blocks_goals.add(factories.GoalFactory(customer=actors.customer_a))
        proposal.problems.add(problem)
        factories.ContributionFactory(proposal=proposal, specialist=actors.spec_a)
        comment = factories.CommentFactory(proposal=proposal, author=actors.sales_a)
        factories.CommentFactory(proposal=proposal, author=actors.spec_a, parent=comment)
        services.transition_proposal(
            proposal,
            to_status="withdrawn" if proposal.status == "draft" else "draft",
            by=actors.sales_a,
        )
    client.force_login(actors.sales_a)
    with django_assert_max_num_queries(PROPOSAL_QUERIES):
        response = client.get(_url("proposal", proposal.pk))
    assert response.status_code == 200
    assert response.content.count(b'class="comment"') == 2 * n


def test_proposal_page_shows_problems_goals_grid_and_thread(
    client, actors, proposal_a, contribution_a
):
    partner = factories.PartnerFactory(name="Fjord Automation")
    services.request_contribution(proposal_a, by=actors.sales_a, partner=partner)
    services.post_comment(proposal_a, author=actors.sales_a, body="**bold** idea")
    client.force_login(actors.sales_a)
    html = client.get(_url("proposal", proposal_a.pk)).content.decode()
    assert "Late deliveries" in html
    assert "Blocks goals: Grow exports" in html
    assert "Area: Engineering" in html
    assert "Partner: Fjord Automation" in html
    assert "<strong>bold</strong> idea" in html
    assert "<em>late deliveries</em>" in html


# Proposal forms


def test_create_proposal(client, actors, problem_a):
    client.force_login(actors.spec_a)
    response = client.post(
        _url("add-proposal", actors.customer_a.pk),
        {
            "title": "Retrofit",
            "summary": "",
            "problems": [problem_a.pk],
            "owner": actors.sales_a.pk,
            "value": "1000.50",
            "currency": "sek",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("proposal", proposal.pk)
    assert proposal.currency == "SEK"
    assert proposal.created_by == actors.spec_a
    assert list(proposal.problems.all()) == [problem_a]


def test_create_proposal_bad_input_gives_field_errors(client, actors):
    foreign_problem = factories.ProblemFactory(customer=actors.customer_b)
    client.force_login(actors.sales_a)
    response = client.post(
        _url("add-proposal", actors.customer_a.pk),
        {
            "title": "",
            "problems": [foreign_problem.pk],
            "owner": actors.sales_b.pk,
            "value": "-3",
            "currency": "EURO",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "problems", "owner", "value", "currency"}
    assert not Proposal.objects.exists()


def test_unknown_currency_is_refused(client, actors):
    client.force_login(actors.sales_a)
    response = client.post(
        _url("add-proposal", actors.customer_a.pk),
        {"title": "T", "owner": actors.sales_a.pk, "currency": "ABC"},
    )
    assert "currency" in response.context["form"].errors


def test_edit_with_a_stale_version_keeps_input_and_shows_the_conflict(
    client, actors, proposal_a, problem_a
):
    client.force_login(actors.sales_a)
    stale = proposal_a.version
    services.update_proposal(
        proposal_a, by=actors.mgr_a, expected_version=stale, changes={"title": "Theirs"}
    )
    response = client.post(
        _url("edit-proposal", proposal_a.pk),
        {
            "title": "Mine",
            "summary": "my summary",
            "problems": [problem_a.pk],
            "owner": actors.sales_a.pk,
            "currency": "EUR",
            "version": stale,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="Mine"' in html
    assert "Someone else changed this proposal" in html
    assert "Theirs" in html
    proposal_a.refresh_from_db()
    assert proposal_a.title == "Theirs"


def test_edit_proposal_saves_with_the_current_version(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    response = client.post(
        _url("edit-proposal", proposal_a.pk),
        {
            "title": "Renamed",
            "owner": actors.spec_a.pk,
            "currency": "USD",
            "value": "10",
            "version": proposal_a.version,
        },
    )
    assert response.status_code == 302
    proposal_a.refresh_from_db()
    assert (proposal_a.title, proposal_a.owner, proposal_a.currency) == (
        "Renamed",
        actors.spec_a,
        "USD",
    )
    log = client.get(_url("proposal", proposal_a.pk)).context["change_log"]
    assert log[0]["by"] == actors.sales_a
    assert log[0]["fields"] == ["title", "summary", "owner", "value", "currency"]
    assert log[-1]["fields"] == []  # created


# Contributions


def test_request_contribution_page(client, actors, proposal_a, engineering):
    client.force_login(actors.sales_a)
    response = client.post(
        _url("request-contribution", proposal_a.pk),
        {"specialist": actors.spec_a.pk, "request": "Please size it"},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.specialist == actors.spec_a
    assert contribution.requested_by == actors.sales_a


def test_request_contribution_refuses_someone_off_the_account(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    response = client.post(
        _url("request-contribution", proposal_a.pk),
        {"specialist": actors.sales_b.pk, "request": "x"},
    )
    assert response.status_code == 200
    assert "specialist" in response.context["form"].errors
    response = client.post(_url("request-contribution", proposal_a.pk), {"request": "x"})
    assert "specialist" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_specialist_cannot_request_contributions_on_others_proposal(client, actors, proposal_a):
    client.force_login(actors.spec_a)
    assert client.get(_url("request-contribution", proposal_a.pk)).status_code == 403


def test_requests_for_me_lists_my_open_requests_oldest_first(
    client, actors, proposal_a, time_machine
):
    time_machine.move_to("2026-01-05 10:00:00+00:00")
    newer = factories.ContributionFactory(proposal=proposal_a, specialist=actors.spec_a)
    time_machine.move_to("2026-01-02 10:00:00+00:00")
    older = factories.ContributionFactory(proposal=proposal_a, specialist=actors.spec_a)
    factories.ContributionFactory(proposal=proposal_a, specialist=actors.spec_a, status="done")
    factories.ContributionFactory(proposal=proposal_a, specialist=actors.viewer_a)
    time_machine.move_to("2026-01-06 10:00:00+00:00")
    client.force_login(actors.spec_a)
    response = client.get(_url("requests-for-me"))
    assert [c.pk for c in response.context["page"]] == [older.pk, newer.pk]


def test_requests_for_me_hides_accounts_i_left(client, actors, proposal_a):
    factories.ContributionFactory(proposal=proposal_a, specialist=actors.spec_a)
    actors.customer_a.memberships.filter(user=actors.spec_a).delete()
    client.force_login(actors.spec_a)
    assert list(client.get(_url("requests-for-me")).context["page"]) == []


@pytest.mark.parametrize("n", [1, 10])
def test_requests_for_me_query_count(client, actors, proposal_a, django_assert_max_num_queries, n):
    factories.ContributionFactory.create_batch(n, proposal=proposal_a, specialist=actors.spec_a)
    client.force_login(actors.spec_a)
    # session, user, count for the paginator, the requests with proposal, customer,
    # requester and area, the unread count, the idle-session refresh (3).
    with django_assert_max_num_queries(8):
        response = client.get(_url("requests-for-me"))
    assert response.content.count(b'class="card request"') == n


def test_one_click_accept_returns_the_row(client, actors, contribution_a):
    client.force_login(actors.spec_a)
    response = client.post(_url("answer-contribution", contribution_a.pk, "accept"), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="card request" id="request-{contribution_a.pk}"')
    assert "Write your contribution" in html
    contribution_a.refresh_from_db()
    assert contribution_a.status == "in_progress"
    assert contribution_a.answered_at is not None


def test_decline_needs_a_reason_in_the_page(client, actors, contribution_a):
    client.force_login(actors.spec_a)
    url = _url("answer-contribution", contribution_a.pk, "decline")
    response = client.post(url, {"reason": ""}, headers=HTMX)
    assert "Say why you decline" in response.content.decode()
    contribution_a.refresh_from_db()
    assert contribution_a.status == "requested"
    client.post(url, {"reason": "No capacity this quarter"}, headers=HTMX)
    contribution_a.refresh_from_db()
    assert contribution_a.status == "declined"
    assert contribution_a.decline_reason == "No capacity this quarter"


def test_only_the_asked_specialist_answers(client, actors, contribution_a):
    client.force_login(actors.sales_a)
    response = client.post(_url("answer-contribution", contribution_a.pk, "accept"))
    assert response.status_code == 403


def test_lead_records_a_partners_answer(client, actors, proposal_a):
    contribution = services.request_contribution(
        proposal_a, by=actors.sales_a, partner=factories.PartnerFactory()
    )
    client.force_login(actors.sales_a)
    client.post(_url("answer-contribution", contribution.pk, "accept"))
    contribution.refresh_from_db()
    assert contribution.status == "in_progress"


def test_specialist_writes_and_completes(client, actors, contribution_a):
    services.accept_contribution(contribution_a, by=actors.spec_a)
    client.force_login(actors.spec_a)
    page = client.get(_url("contribution", contribution_a.pk))
    assert b"Your contribution" in page.content
    response = client.post(
        _url("write-contribution", contribution_a.pk),
        {
            "description": "Two PLCs",
            "effort_days": "4.5",
            "cost_estimate": "12000",
            "version": contribution_a.version,
        },
    )
    assert response.status_code == 302
    client.post(_url("answer-contribution", contribution_a.pk, "done"))
    contribution_a.refresh_from_db()
    assert contribution_a.status == "done"
    assert str(contribution_a.effort_days) == "4.5"


def test_writing_with_a_stale_version_keeps_the_text(client, actors, contribution_a):
    services.accept_contribution(contribution_a, by=actors.spec_a)
    client.force_login(actors.spec_a)
    response = client.post(
        _url("write-contribution", contribution_a.pk),
        {"description": "Mine", "version": 1},
    )
    assert response.status_code == 409
    assert b"Mine</textarea>" in response.content


def test_write_contribution_bad_input(client, actors, contribution_a):
    services.accept_contribution(contribution_a, by=actors.spec_a)
    client.force_login(actors.spec_a)
    response = client.post(
        _url("write-contribution", contribution_a.pk),
        {"description": "x", "effort_days": "-1", "cost_estimate": "lots", "version": "x"},
    )
    assert response.status_code == 200
    assert set(response.context["write_form"].errors) == {
        "effort_days",
        "cost_estimate",
        "version",
    }


# Comments (htmx: the thread is swapped in place)


def test_post_reply_edit_delete_without_reloading(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    url = _url("add-comment", proposal_a.pk)
    response = client.post(url, {"body": "First"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card comments"')
    assert "<html" not in html
    first = Comment.objects.get()

    client.force_login(actors.spec_a)
    client.post(url, {"body": "Reply", "parent": first.pk}, headers=HTMX)
    reply = Comment.objects.get(body="Reply")
    assert reply.parent == first
    # A reply to a reply joins the top-level comment's thread.
    client.post(url, {"body": "Nested", "parent": reply.pk}, headers=HTMX)
    assert Comment.objects.get(body="Nested").parent == first

    edited = client.post(
        _url("edit-comment", reply.pk), {"body": "Reply, edited", "version": 1}, headers=HTMX
    )
    assert "Reply, edited" in edited.content.decode()
    assert ">edited<" in edited.content.decode()

    deleted = client.post(_url("delete-comment", reply.pk), headers=HTMX).content.decode()
    assert "This comment was deleted." in deleted
    assert "Reply, edited" not in deleted
    assert "Nested" in deleted  # the thread is kept
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert reply.body == "Reply, edited"  # hidden, but kept 30 days so it can be restored


def test_comment_without_htmx_redirects_to_the_anchor(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    response = client.post(_url("add-comment", proposal_a.pk), {"body": "Plain"})
    comment = Comment.objects.get()
    assert response["Location"] == _url("proposal", proposal_a.pk) + f"#comment-{comment.pk}"


def test_empty_comment_gives_a_field_error(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    response = client.post(_url("add-comment", proposal_a.pk), {"body": "  "}, headers=HTMX)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_proposal_is_refused(client, actors, proposal_a):
    other = factories.ProposalFactory(customer=actors.customer_a)
    foreign = services.post_comment(other, author=actors.sales_a, body="elsewhere")
    client.force_login(actors.sales_a)
    response = client.post(
        _url("add-comment", proposal_a.pk), {"body": "x", "parent": foreign.pk}, headers=HTMX
    )
    assert "not in this thread" in response.content.decode()
    assert not Comment.objects.filter(proposal=proposal_a).exists()


def test_only_the_author_edits_or_deletes(client, actors, proposal_a):
    comment = services.post_comment(proposal_a, author=actors.spec_a, body="mine")
    client.force_login(actors.sales_a)
    edit = client.post(_url("edit-comment", comment.pk), {"body": "hijack", "version": 1})
    assert edit.status_code == 403
    assert client.post(_url("delete-comment", comment.pk)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "mine"


def test_editing_a_stale_comment_keeps_the_draft(client, actors, proposal_a):
    comment = services.post_comment(proposal_a, author=actors.sales_a, body="v1")
    services.edit_comment(comment, by=actors.sales_a, body="v2", expected_version=1)
    client.force_login(actors.sales_a)
    response = client.post(
        _url("edit-comment", comment.pk), {"body": "my draft", "version": 1}, headers=HTMX
    )
    html = response.content.decode()
    assert "Someone changed this comment meanwhile" in html
    assert "my draft</textarea>" in html
    comment.refresh_from_db()
    assert comment.body == "v2"


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<svg onload="alert(1)">',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="vbscript:msgbox(1)">v</a>',
]


class _ActiveContent(HTMLParser):
    """Collects what a browser would run: script tags, on* handlers, script-bearing URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"script", "svg", "iframe", "object", "embed", "img"}:
            self.found.append(tag)
        for name, value in attrs:
            url = (value or "").strip().lower()
            if name.startswith("on") or url.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_comments_is_inert(client, actors, proposal_a, payload):
    client.force_login(actors.sales_a)
    html = client.post(
        _url("add-comment", proposal_a.pk), {"body": payload}, headers=HTMX
    ).content.decode()
    parser = _ActiveContent()
    parser.feed(html)
    assert parser.found == []
    page = client.get(_url("proposal", proposal_a.pk)).content.decode()
    parser = _ActiveContent()
    parser.feed(page[page.index('<ol class="thread">') :])
    assert parser.found == []


def test_contribution_comments_are_their_own_thread(client, actors, contribution_a):
    client.force_login(actors.spec_a)
    response = client.post(
        _url("add-contribution-comment", contribution_a.pk), {"body": "On the part"}, headers=HTMX
    )
    assert "On the part" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.contribution == contribution_a
    assert comment.customer == actors.customer_a
    proposal_page = client.get(_url("proposal", contribution_a.proposal_id)).content.decode()
    assert "On the part" not in proposal_page


# Partners


def test_everyone_reads_partners_but_only_sales_and_managers_edit(client, actors):
    partner = factories.PartnerFactory(name="Fjord")
    client.force_login(actors.spec_a)
    assert b"Fjord" in client.get(_url("partners")).content
    assert client.get(_url("add-partner")).status_code == 403
    assert client.post(_url("edit-partner", partner.pk), {"name": "X"}).status_code == 403
    client.force_login(actors.sales_b)
    response = client.post(
        _url("add-partner"), {"name": "GreenCold", "website": "https://gc.example"}
    )
    assert response.status_code == 302
    assert Partner.objects.filter(name="GreenCold").exists()


def test_partner_form_errors_and_conflict(client, actors):
    partner = factories.PartnerFactory(name="Fjord")
    client.force_login(actors.sales_a)
    bad = client.post(
        _url("add-partner"),
        {"name": "Fjord", "website": "javascript:alert(1)", "contact_email": "x"},
    )
    assert set(bad.context["form"].errors) == {"name", "website", "contact_email"}
    Partner.objects.filter(pk=partner.pk).update(version=2)
    stale = client.post(_url("edit-partner", partner.pk), {"name": "Fjord AS", "version": 1})
    assert stale.status_code == 409
    assert b'value="Fjord AS"' in stale.content
    ok = client.post(_url("edit-partner", partner.pk), {"name": "Fjord AS", "version": 2})
    assert ok.status_code == 302


def test_proposal_page_shows_a_proposal_without_history(actors, client):
    """Proposals loaded in bulk (imports, the benchmark) have no history rows."""
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    proposal.history.all().delete()
    client.force_login(actors.sales_a)
    response = client.get(reverse("solutions:proposal", args=[proposal.pk]))
    assert response.status_code == 200
