"""One copy of each rule (issue 15): the query-parameter parser, safe redirects, the CSV writer."""

import csv
import io

import pytest
from django.test import RequestFactory

from core.csv import csv_response
from core.params import BadParameter, parse_choice
from core.redirects import is_safe_redirect, safe_next


def test_parse_choice_accepts_a_listed_value_and_ignores_an_absent_one():
    assert parse_choice("done", name="status", choices=["open", "done"]) == "done"
    assert parse_choice(None, name="status", choices=["open"]) is None
    assert parse_choice("", name="status", choices=["open"]) is None


@pytest.mark.parametrize("raw", ["DONE", "don", "done ", "²", "open,done"])
def test_parse_choice_refuses_anything_else_naming_the_parameter(raw):
    with pytest.raises(BadParameter) as caught:
        parse_choice(raw, name="status", choices=["open", "done"])
    assert caught.value.name == "status"
    assert caught.value.message == "Choose one of: open, done."


def test_a_bad_choice_on_the_api_is_a_400_naming_the_parameter(api_client, actors):
    api_client.force_authenticate(actors.sales_a)
    for url in ["/api/action-items/?status=nope", "/api/meetings/?kind=nope"]:
        response = api_client.get(url)
        assert response.status_code == 400, url
        assert list(response.json()) == [url.split("?")[1].split("=")[0]]


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/customers/1/", True),
        ("https://testserver/customers/1/", True),
        ("http://testserver/customers/1/", True),
        ("//evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_redirects_stay_on_this_site(target, safe):
    request = RequestFactory().post("/", {"next": target})
    assert is_safe_redirect(request, target) is safe
    assert safe_next(request, "/fallback/") == (target if safe else "/fallback/")


def test_an_https_page_never_redirects_to_plain_http():
    request = RequestFactory().get("/", secure=True)
    assert not is_safe_redirect(request, "http://testserver/customers/1/")


def test_safe_next_reads_the_query_string_too():
    assert safe_next(RequestFactory().get("/", {"next": "/x/"}), "/fallback/") == "/x/"


def test_the_csv_writer_neutralises_every_text_cell():
    response, writer = csv_response("export.csv")
    writer.writerow(["\uff1dHYPERLINK(x)", "=1+1", -5, None, "plain"])
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["'\uff1dHYPERLINK(x)", "'=1+1", "-5", "", "plain"]]
