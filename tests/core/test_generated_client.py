"""The API contract as a client sees it: a Python client generated from /api/schema/ with
openapi-python-client (no hand fixes) drives a salesperson's journey against the live server:
sign in with a token, create a customer, log a meeting, read the summary and the dashboard.
A schema that lies about a body, a parameter or an error makes the generated code fail here
(its parsers raise on undeclared enum values, missing required fields and wrong types)."""

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from rest_framework.throttling import UserRateThrottle

from tests import factories

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PACKAGE = "accord_client"


def generate_client(schema: dict, folder: Path):
    """Generate the client package into `folder` and import it."""
    (folder / "schema.json").write_text(json.dumps(schema))
    # No post hooks (they would run ruff on the generated code): the code is used as generated.
    (folder / "config.yaml").write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yaml"),
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every operation made it into the client: a warning means one was skipped.
    assert "Warning" not in output, output
    sys.path.insert(0, str(folder))
    try:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


@pytest.fixture
def client_package(live_server, tmp_path, monkeypatch):
    """The client generated from the schema the live server serves (to staff only)."""
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", None)
    staff = factories.UserFactory(username="schema_reader", is_staff=True)
    key = "schema-reader-token-0000000000000000000000"
    factories.ApiTokenFactory(user=staff, key=key)
    response = requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Authorization": f"Token {key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:500]
    return generate_client(response.json(), tmp_path)


def test_a_generated_client_signs_in_creates_logs_and_reads(live_server, client_package):
    assert client_package.__name__ == PACKAGE
    team = factories.TeamFactory(name="North")
    sales = factories.UserFactory(username="gen_sales")
    factories.TeamMemberFactory(team=team, user=sales)
    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    auth = importlib.import_module(f"{PACKAGE}.api.auth.auth_token_create")
    with client_module.Client(
        base_url=live_server.url, raise_on_unexpected_status=True
    ) as anonymous:
        signed_in = sign_in(anonymous, auth, models)
    with client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=signed_in.token,
        prefix="Token",
        raise_on_unexpected_status=True,
    ) as client:
        journey(client, models, sales)


def sign_in(anonymous, auth, models):
    # A wrong password: the documented 400 body, parsed as the schema says.
    wrong = auth.sync_detailed(
        client=anonymous,
        body=models.TokenRequestRequest(username="gen_sales", password="wrong"),
    )
    assert wrong.status_code == 400
    assert wrong.parsed.non_field_errors == ["Unable to log in with provided credentials."]

    signed_in = auth.sync(
        client=anonymous,
        body=models.TokenRequestRequest(username="gen_sales", password=factories.PASSWORD),
    )
    assert isinstance(signed_in, models.Token)
    return signed_in


def journey(client, models, sales) -> None:
    customers = importlib.import_module(f"{PACKAGE}.api.customers.customers_create")
    customer = customers.sync(
        client=client, body=models.CustomerRequest(name="Nordwind Logistics", industry="Freight")
    )
    assert isinstance(customer, models.Customer)
    assert (customer.name, customer.lead) == ("Nordwind Logistics", sales.pk)

    meetings = importlib.import_module(f"{PACKAGE}.api.meetings.meetings_create")
    meeting = meetings.sync(
        client=client,
        body=models.MeetingRequest(
            customer=customer.id,
            occurred_at=dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC),
            title="Kick-off with the COO",
            kind=models.MeetingKindEnum.VISIT,
            customer_said="Gate delays cost us two days a week.",
        ),
    )
    assert isinstance(meeting, models.Meeting)
    assert (meeting.customer, meeting.kind) == (customer.id, models.MeetingKindEnum.VISIT)

    summaries = importlib.import_module(f"{PACKAGE}.api.summaries.summaries_list")
    page = summaries.sync(client=client, customer=customer.id)
    assert isinstance(page, models.PaginatedAccountSummaryList)
    assert page.results, "the summary is built after the commit (eager Celery in tests)"
    assert {s.customer for s in page.results} == {customer.id}

    dashboard = importlib.import_module(f"{PACKAGE}.api.dashboard.dashboard_list")
    rows = dashboard.sync(client=client)
    assert [row.customer for row in rows.results] == [customer.id]
    assert rows.results[0].lead_id == sales.pk

    # Bad parameters answer the documented 400 with field errors, which the client parses.
    bad = summaries.sync_detailed(client=client, customer=customer.id, page_size=0)
    assert bad.status_code == 400
    assert bad.parsed.additional_properties == {"page_size": ["Give a page size from 1 to 200."]}
