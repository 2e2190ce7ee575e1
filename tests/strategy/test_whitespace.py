import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy import queries
from strategy.models import Division, WhitespaceCell
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    engineering = factories.AreaFactory(name="Engineering")
    finance = factories.AreaFactory(name="Finance")
    return {
        "telematics": factories.OfferingFactory(name="Telematics", area=engineering, position=1),
        "routing": factories.OfferingFactory(name="Route planning", area=engineering, position=2),
        "leasing": factories.OfferingFactory(name="Fleet leasing", area=finance),
    }


def _edit_url(customer, division, offering):
    return reverse("strategy:edit-cell", args=[customer.pk, division.pk, offering.pk])


def _post_cell(client, customer, division, offering, **data):
    payload = {"version": 0, "status": "", **data}
    return client.post(
        _edit_url(customer, division, offering), payload, headers={"HX-Request": "true"}
    )


def test_lead_fills_cells_in_place_and_totals_follow(client, actors, catalogue):
    customer = actors.customer_a
    north = factories.DivisionFactory(customer=customer, name="North")
    south = factories.DivisionFactory(customer=customer, name="South")
    client.force_login(actors.sales_a)

    response = _post_cell(
        client,
        customer,
        north,
        catalogue["telematics"],
        status="installed",
        installed_since="2024-03-01",
        annual_value="12000",
    )
    assert response.status_code == 200
    # The htmx answer is the grid itself, with the new totals.
    grid = response.content.decode()
    assert 'id="whitespace"' in grid
    assert "<html" not in grid
    _post_cell(
        client, customer, south, catalogue["telematics"], status="installed", annual_value="3000"
    )
    _post_cell(
        client, customer, south, catalogue["leasing"], status="opportunity", reason="Own fleet"
    )

    result = queries.whitespace_grid(customer)
    north_row, south_row = result.rows
    assert [r.division.name for r in result.rows] == ["North", "South"]
    assert north_row.totals.installed_value == Decimal(12000)
    assert south_row.totals.installed_value == Decimal(3000)
    assert south_row.totals.opportunities == 1
    # Columns follow the catalogue's order: Engineering's by position, then Finance.
    assert [o.name for o in result.offerings] == ["Telematics", "Route planning", "Fleet leasing"]
    telematics, routing, leasing = result.column_totals
    assert telematics.installed_value == Decimal(15000)
    assert telematics.installed == 2
    assert routing.assessed == 0
    assert leasing.opportunities == 1
    assert result.totals.installed_value == Decimal(15000)
    assert queries.installed_value(customer) == Decimal(15000)
    cell = WhitespaceCell.objects.get(division=north)
    assert str(cell.installed_since) == "2024-03-01"


def test_changing_a_cell_needs_its_version_and_records_an_account_change(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer)
    client.force_login(actors.spec_a)
    before = type(customer).objects.get(pk=customer.pk).data_version
    _post_cell(client, customer, division, catalogue["routing"], status="not_a_fit")
    cell = WhitespaceCell.objects.get(division=division)
    assert cell.status == "not_a_fit"
    assert type(customer).objects.get(pk=customer.pk).data_version > before

    # A second writer who also saw the empty cell gets a conflict and keeps their input.
    response = _post_cell(
        client, customer, division, catalogue["routing"], status="competitor", competitor="Acme"
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#cell-editor"
    body = response.content.decode()
    assert "changed this cell meanwhile" in body
    assert 'value="Acme"' in body
    cell.refresh_from_db()
    assert cell.status == "not_a_fit"

    response = _post_cell(
        client,
        customer,
        division,
        catalogue["routing"],
        version=cell.version,
        status="competitor",
        competitor="Acme",
    )
    cell.refresh_from_db()
    assert (cell.status, cell.competitor) == ("competitor", "Acme")


def test_status_rules_show_field_errors_and_keep_input(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer)
    client.force_login(actors.sales_a)
    offering = catalogue["leasing"]
    url = _edit_url(customer, division, offering)
    cases = [
        ({"status": "proposed"}, "Choose the proposal"),
        ({"status": "competitor"}, "Name the competitor"),
        ({"status": "opportunity"}, "Say why"),
        ({"status": "installed", "annual_value": "-5"}, "greater than or equal to 0"),
        ({"status": "installed", "annual_value": "lots"}, "Enter a number"),
        ({"status": "sold"}, "Select a valid choice"),
    ]
    for data, message in cases:
        response = client.post(url, {"version": 0, **data})
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not WhitespaceCell.objects.exists()
    # Another customer's proposal is not a choice.
    foreign = factories.ProposalFactory(customer=actors.customer_b)
    response = client.post(url, {"version": 0, "status": "proposed", "proposal": foreign.pk})
    assert response.status_code == 400
    own = factories.ProposalFactory(customer=customer, title="Leasing pilot")
    response = client.post(url, {"version": 0, "status": "proposed", "proposal": own.pk})
    assert response.status_code == 302
    assert WhitespaceCell.objects.get().proposal == own


def test_values_belong_to_installed_cells_only(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer)
    client.force_login(actors.sales_a)
    _post_cell(
        client,
        customer,
        division,
        catalogue["leasing"],
        status="opportunity",
        reason="Fleet renewal in 2027",
        annual_value="999",
    )
    cell = WhitespaceCell.objects.get()
    assert cell.annual_value is None
    assert queries.installed_value(customer) == 0


def test_area_filter_narrows_columns_and_bad_area_is_400(client, actors, catalogue):
    customer = actors.customer_a
    factories.DivisionFactory(customer=customer, name="North")
    client.force_login(actors.viewer_a)
    url = reverse("strategy:whitespace", args=[customer.pk])
    area = catalogue["leasing"].area
    response = client.get(url, {"area": area.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fleet leasing" in body
    assert "Telematics" not in body
    assert client.get(url, {"area": "²"}).status_code == 400


def test_viewer_reads_but_cannot_edit(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer)
    client.force_login(actors.viewer_a)
    response = client.get(reverse("strategy:whitespace", args=[customer.pk]))
    assert response.status_code == 200
    assert 'hx-target="#cell-editor"' not in response.content.decode()
    response = _post_cell(client, customer, division, catalogue["leasing"], status="not_a_fit")
    assert response.status_code == 403
    assert not WhitespaceCell.objects.exists()


def test_other_team_gets_404_everywhere(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer)
    client.force_login(actors.sales_b)
    for url in (
        reverse("strategy:whitespace", args=[customer.pk]),
        reverse("strategy:whitespace-csv", args=[customer.pk]),
        _edit_url(customer, division, catalogue["leasing"]),
        reverse("strategy:edit-division", args=[customer.pk, division.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # Their own account id with our division: still 404.
    mixed = reverse("strategy:edit-cell", args=[actors.customer_b.pk, division.pk, 1])
    assert client.post(mixed, {"version": 0, "status": "not_a_fit"}).status_code == 404
    assert not WhitespaceCell.objects.exists()


def test_grid_query_count_is_flat_in_grid_size(client, actors, catalogue):
    customer = actors.customer_a
    client.force_login(actors.sales_a)
    url = reverse("strategy:whitespace", args=[customer.pk])
    factories.DivisionFactory(customer=customer)
    client.get(url)  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    area = factories.AreaFactory(name="Logistics")
    for i in range(4):
        division = factories.DivisionFactory(customer=customer, name=f"Division {i}")
        offering = factories.OfferingFactory(area=area, name=f"Extra {i}")
        factories.WhitespaceCellFactory(
            customer=customer, division=division, offering=offering, proposal=None
        )
        factories.WhitespaceCellFactory(
            customer=customer,
            division=division,
            offering=catalogue["telematics"],
            status="installed",
            annual_value=100,
        )
    assert count() == small


def test_grid_queries_pinned(client, actors, catalogue, django_assert_max_num_queries):
    customer = actors.customer_a
    client.force_login(actors.sales_a)
    for i in range(5):
        factories.DivisionFactory(customer=customer, name=f"D{i}")
    url = reverse("strategy:whitespace", args=[customer.pk])
    client.get(url)
    # session, user, customer with access, divisions, offerings, cells, areas of the filter,
    # unread notifications, and the session's idle-time refresh (savepoint, update, release)
    with django_assert_max_num_queries(11):
        client.get(url)


def test_csv_is_formula_safe_and_lists_assessed_cells(client, actors, catalogue):
    customer = actors.customer_a
    division = factories.DivisionFactory(customer=customer, name="=HYPERLINK(1)")
    goal = factories.GoalFactory(customer=customer, title="Cut costs")
    cell = factories.WhitespaceCellFactory(
        customer=customer, division=division, offering=catalogue["leasing"], reason="@cmd"
    )
    cell.goals.add(goal)
    factories.WhitespaceCellFactory(
        customer=customer, division=division, offering=catalogue["routing"], status=""
    )
    client.force_login(actors.viewer_a)
    response = client.get(reverse("strategy:whitespace-csv", args=[customer.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Division", "Area", "Offering", "Status"]
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][3] == "Opportunity"
    assert rows[1][8] == "'@cmd"
    assert rows[1][9] == "Cut costs"


def test_divisions_are_added_edited_and_soft_deleted(client, actors, catalogue):
    customer = actors.customer_a
    head = factories.StakeholderFactory(customer=customer, name="Ines Head")
    client.force_login(actors.spec_a)
    response = client.post(
        reverse("strategy:add-division", args=[customer.pk]),
        {"name": "Cold chain", "head": head.pk, "employees": "240", "notes": "Growing"},
    )
    assert response.status_code == 302
    division = Division.objects.get()
    assert (division.head, division.employees) == (head, 240)
    url = reverse("strategy:edit-division", args=[customer.pk, division.pk])
    response = client.post(url, {"name": "", "version": division.version})
    assert response.status_code == 400
    response = client.post(url, {"name": "Cold chain EU", "version": division.version})
    assert response.status_code == 302
    stale = client.post(url, {"name": "Old name", "version": division.version})
    assert stale.status_code == 409
    # Specialists do not delete; the lead does, into the trash.
    delete = reverse("strategy:delete-division", args=[customer.pk, division.pk])
    assert client.post(delete).status_code == 403
    client.force_login(actors.sales_a)
    assert client.post(delete).status_code == 302
    division.refresh_from_db()
    assert division.is_deleted
    assert queries.whitespace_grid(customer).rows == []
    # A foreign stakeholder cannot head the division.
    foreign = factories.StakeholderFactory(customer=actors.customer_b)
    response = client.post(
        reverse("strategy:add-division", args=[customer.pk]), {"name": "X", "head": foreign.pk}
    )
    assert response.status_code == 400


def test_each_cell_shows_its_status_label_in_the_users_language(client, actors, catalogue):
    customer = actors.customer_a
    north = factories.DivisionFactory(customer=customer, name="North")
    factories.WhitespaceCellFactory(
        customer=customer, division=north, offering=catalogue["telematics"], status="installed"
    )
    factories.WhitespaceCellFactory(
        customer=customer, division=north, offering=catalogue["leasing"], status="competitor"
    )
    grid = queries.whitespace_grid(customer)
    labels = {gc.offering.name: gc.label for gc in grid.rows[0].cells}
    assert labels == {
        "Telematics": "Installed",
        "Route planning": "Not assessed",
        "Fleet leasing": "Competitor's",
    }
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    client.force_login(actors.sales_a)
    html = client.get(reverse("strategy:whitespace", args=[customer.pk])).content.decode()
    assert 'Telematics: Installiert">Installiert</a>' in html
    assert 'Route planning: Nicht bewertet">Nicht bewertet</a>' in html
    # The link and its htmx request go to the same cell.
    url = _edit_url(customer, north, catalogue["routing"])
    assert f'href="{url}" hx-get="{url}"' in html
