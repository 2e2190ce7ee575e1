"""CRM imports: Salesforce and HubSpot layouts, dry run, import, re-import, undo, bad files,
and the visibility rule."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AccountMembership
from customers.models import Customer, Stakeholder
from dialogue.models import Meeting
from integrations import runs, undo
from integrations.models import ExternalRef, ImportRun, ImportSource
from tests import factories

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path


def upload(client, django_capture_on_commit_callbacks, name, content=None, **fields):
    data = content if content is not None else (FILES / name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrations:imports"),
            {"file": SimpleUploadedFile(name, data), "encoding": "auto", **fields},
        )
    return response


def latest_run(user):
    return ImportRun.objects.filter(user=user).latest("id")


def import_file(client, capture, user, name, preset, content=None):
    response = upload(client, capture, name, content, preset=preset)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = latest_run(user)
    assert run.status == ImportRun.Status.CHECKED, (run.failure, list(run.row_errors.all()))
    with capture(execute=True):
        client.post(reverse("integrations:run-import", args=[run.pk]))
    run.refresh_from_db()
    return run


@pytest.fixture
def sales(actors, client):
    client.force_login(actors.sales_a)
    return actors.sales_a


def test_salesforce_accounts_contacts_activities(sales, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    upload(client, capture, "salesforce_accounts.csv", preset="salesforce_accounts")
    run = latest_run(sales)
    assert (run.status, run.to_create, run.to_update, run.to_skip) == ("checked", 2, 0, 0)
    assert not Customer.objects.filter(name="Acme Freight GmbH").exists()  # a dry run

    page = client.get(reverse("integrations:import", args=[run.pk]))
    assert b"To create" in page.content

    with capture(execute=True):
        client.post(reverse("integrations:run-import", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.created) == ("done", 2)
    acme = Customer.objects.get(name="Acme Freight GmbH")
    assert acme.lead == sales
    assert acme.website == "https://www.acme-freight.example"
    assert acme.size == Customer.Size.ENTERPRISE
    assert AccountMembership.objects.filter(customer=acme, user=sales, role="lead").exists()

    import_file(client, capture, sales, "salesforce_contacts.csv", "salesforce_contacts")
    katrin = Stakeholder.objects.get(customer=acme)
    assert (katrin.name, katrin.title, katrin.email) == (
        "Katrin Vogel",
        "Head of Logistics",
        "katrin.vogel@acme-freight.example",
    )

    run = import_file(client, capture, sales, "salesforce_activities.csv", "salesforce_activities")
    assert run.created == 2
    call = Meeting.objects.get(customer=acme)
    assert (call.kind, call.title, call.author) == ("call", "Call about gate delays", sales)
    assert call.occurred_at.date().isoformat() == "2026-03-04"
    assert list(call.stakeholders.all()) == [katrin]
    acme.refresh_from_db()
    assert acme.last_meeting_at == call.occurred_at


def test_imported_records_have_history_rows_like_those_made_in_the_pages(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    contacts = import_file(client, capture, sales, "salesforce_contacts.csv", "salesforce_contacts")
    activities = import_file(
        client, capture, sales, "salesforce_activities.csv", "salesforce_activities"
    )
    acme = Customer.objects.get(name="Acme Freight GmbH")
    assert acme.history.filter(history_type="+").count() == 1
    for record, run in (
        (Stakeholder.objects.get(customer=acme), contacts),
        (Meeting.objects.get(customer=acme), activities),
    ):
        [row] = record.history.all()
        assert (row.history_type, row.history_user) == ("+", sales)
        assert row.history_change_reason == f"Imported from salesforce (import {run.pk})"
        assert row.instance.title == record.title
    # Undoing them leaves a trace in the history too.
    client.post(reverse("integrations:undo-import", args=[activities.pk]))
    meeting_history = Meeting.history.filter(customer_id=acme.pk)
    assert sorted(meeting_history.values_list("history_type", flat=True)) == ["+", "-"]


def test_import_tells_the_change_feed_about_each_account_after_the_commit(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    acme = Customer.objects.get(name="Acme Freight GmbH")
    version = acme.data_version
    import_file(client, capture, sales, "salesforce_contacts.csv", "salesforce_contacts")
    acme.refresh_from_db()
    # Changed, published (one task for the file, from the commit) and rebuilt by the consumers.
    assert acme.data_version > version
    assert acme.changes_queued_version == acme.data_version
    assert acme.summary_dirty_since is None


def test_imported_accounts_are_published_by_the_one_task_of_the_file(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = upload(client, capture, "salesforce_accounts.csv", preset="salesforce_accounts")
    assert response.status_code == 302
    run = latest_run(sales)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.IMPORTING)
    with capture(execute=False) as hooks:
        runs.apply_run(run.pk)
    # One hook for the whole file (the publishing task), none per created account.
    assert [getattr(h, "func", h).__qualname__ for h in hooks] == ["Signature.delay"]
    with capture(execute=True):
        for hook in hooks:
            hook()
    created = Customer.objects.filter(name__in=["Acme Freight GmbH", "Nordic Paper AB"])
    assert created.count() == 2
    for customer in created:
        assert customer.changes_queued_version == customer.data_version
        assert customer.summary_dirty_since is None


def test_hubspot_companies_contacts_notes(sales, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    import_file(client, capture, sales, "hubspot_companies.csv", "hubspot_companies")
    import_file(client, capture, sales, "hubspot_contacts.csv", "hubspot_contacts")
    run = import_file(client, capture, sales, "hubspot_notes.csv", "hubspot_notes")
    assert run.created == 2
    helios = Customer.objects.get(name="Helios Retail")
    note = Meeting.objects.get(customer=helios)
    # HTML note bodies become plain text; the title is their first line.
    assert note.notes == "Amelia wants shrink down 2% in 2026.\nNext: store visit."
    assert note.title == "Amelia wants shrink down 2% in 2026."
    assert [s.name for s in note.stakeholders.all()] == ["Amelia Hart"]
    # A contact id that was never imported (53) is left out.
    kite_note = Meeting.objects.get(customer__name="Kite Robotics")
    assert [s.name for s in kite_note.stakeholders.all()] == ["Noah Reed"]


def test_reimport_changes_nothing_and_an_updated_file_updates(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    acme = Customer.objects.get(name="Acme Freight GmbH")
    version = acme.data_version
    run = import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    assert (run.to_create, run.to_update, run.to_skip) == (0, 0, 2)
    assert (run.created, run.updated, run.skipped) == (0, 0, 2)
    assert Customer.objects.filter(name="Acme Freight GmbH").count() == 1
    acme.refresh_from_db()
    assert acme.data_version == version

    changed = (FILES / "salesforce_accounts.csv").read_text().replace("1200", "80")
    run = import_file(
        client, capture, sales, "accounts2.csv", "salesforce_accounts", changed.encode()
    )
    assert (run.created, run.updated, run.skipped) == (0, 1, 1)
    acme.refresh_from_db()
    assert acme.size == Customer.Size.MEDIUM
    page = client.get(reverse("integrations:import", args=[run.pk]))
    assert "Acme Freight GmbH" in page.content.decode()  # says which record changed

    # Undo puts the size back.
    client.post(reverse("integrations:undo-import", args=[run.pk]))
    acme.refresh_from_db()
    assert acme.size == Customer.Size.ENTERPRISE


def test_updated_contacts_and_activities_files_update_and_undo_puts_them_back(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    import_file(client, capture, sales, "salesforce_contacts.csv", "salesforce_contacts")
    import_file(client, capture, sales, "salesforce_activities.csv", "salesforce_activities")
    acme = Customer.objects.get(name="Acme Freight GmbH")
    katrin = Stakeholder.objects.get(customer=acme)
    call = Meeting.objects.get(customer=acme)
    version, data_version = call.version, acme.data_version

    contacts = (FILES / "salesforce_contacts.csv").read_text()
    run = import_file(
        client,
        capture,
        sales,
        "contacts2.csv",
        "salesforce_contacts",
        contacts.replace("Head of Logistics", "VP Logistics").encode(),
    )
    assert (run.created, run.updated, run.skipped) == (0, 1, 1)
    katrin.refresh_from_db()
    assert katrin.title == "VP Logistics"

    activities = (FILES / "salesforce_activities.csv").read_text()
    changed = activities.replace("Call about gate delays", "Call about gate slots").replace(
        '"0035g00000XyZaAAAR"', '""'
    )
    run = import_file(
        client, capture, sales, "activities2.csv", "salesforce_activities", changed.encode()
    )
    assert (run.to_create, run.to_update, run.to_skip) == (0, 1, 1)
    assert (run.created, run.updated, run.skipped) == (0, 1, 1)
    call.refresh_from_db()
    assert (call.title, call.version) == ("Call about gate slots", version + 1)
    assert list(call.stakeholders.all()) == []
    latest = call.history.first()
    assert (latest.history_type, latest.history_user, latest.title) == (
        "~",
        sales,
        "Call about gate slots",
    )
    acme.refresh_from_db()
    assert acme.data_version > data_version
    assert acme.last_meeting_at == call.occurred_at
    page = client.get(reverse("integrations:import", args=[run.pk]))
    assert "Call about gate slots" in page.content.decode()  # says which record changed
    # The same file again changes nothing.
    again = import_file(
        client, capture, sales, "activities3.csv", "salesforce_activities", changed.encode()
    )
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)

    # Undo puts the title and the attendee back.
    client.post(reverse("integrations:undo-import", args=[run.pk]))
    call.refresh_from_db()
    assert call.title == "Call about gate delays"
    assert list(call.stakeholders.all()) == [katrin]


def test_undo_removes_what_the_import_created(sales, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    accounts = import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    contacts = import_file(client, capture, sales, "salesforce_contacts.csv", "salesforce_contacts")
    # The accounts now have contacts: undo the contacts first.
    assert undo.undo_blockers(accounts, by=sales)
    client.post(reverse("integrations:undo-import", args=[contacts.pk]))
    contacts.refresh_from_db()
    assert contacts.status == ImportRun.Status.UNDONE
    assert not Stakeholder.objects.filter(name="Katrin Vogel").exists()
    client.post(reverse("integrations:undo-import", args=[accounts.pk]))
    assert not Customer.objects.filter(name="Acme Freight GmbH").exists()
    assert not ExternalRef.objects.exists()


def test_undo_only_for_30_days(sales, client, django_capture_on_commit_callbacks, time_machine):
    capture = django_capture_on_commit_callbacks
    run = import_file(client, capture, sales, "salesforce_accounts.csv", "salesforce_accounts")
    time_machine.move_to(run.finished_at + dt.timedelta(days=31))
    assert "30 days" in undo.undo_blockers(run, by=sales)


def test_row_errors_name_line_and_column_and_import_nothing(
    sales, client, django_capture_on_commit_callbacks
):
    content = (
        b"Account ID,Account Name,Website\n"
        b"001A,Good Co,https://good.example\n"
        b"001B,,https://empty-name.example\n"
        b"001C,Bad Site,javascript:alert(1)\n"
        b"001A,Twice,\n"
    )
    upload(
        client,
        django_capture_on_commit_callbacks,
        "bad.csv",
        content,
        preset="salesforce_accounts",
    )
    run = latest_run(sales)
    errors = {(e.line, e.column) for e in run.row_errors.all()}
    assert errors == {(3, "Account Name"), (4, "Website"), (5, "Account ID")}
    assert run.error_count == 3
    response = client.post(reverse("integrations:run-import", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    assert not Customer.objects.filter(name="Good Co").exists()

    report = client.get(reverse("integrations:error-report", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[0] == ["Line", "Column", "Reason"]
    assert [r[:2] for r in rows[1:]] == [
        ["3", "Account Name"],
        ["4", "Website"],
        ["5", "Account ID"],
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("Account ID,Account Name\n001,Caf\xe9\n".encode("latin-1"), "Line 2 is not UTF-8"),
        (b'Account ID,Account Name\n001,"never closed\n', "never closed"),
        (b"Account ID,Account Name\n001,a,b,c\n", "more cells"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not"),
    ],
)
def test_unusable_files_get_a_clear_error(
    sales, client, django_capture_on_commit_callbacks, content, message
):
    response = upload(
        client, django_capture_on_commit_callbacks, "x.csv", content, preset="salesforce_accounts"
    )
    if response.status_code == 302:
        run = latest_run(sales)
        assert run.status == ImportRun.Status.FAILED
        assert message in run.failure
    else:
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Customer.objects.exclude(pk__in=[c.pk for c in Customer.objects.all()]).exists()


def test_latin1_file_imports_when_its_encoding_is_chosen(
    sales, client, django_capture_on_commit_callbacks
):
    content = "Account ID,Account Name\n001,Café Müller\n".encode("latin-1")
    upload(
        client,
        django_capture_on_commit_callbacks,
        "latin.csv",
        content,
        preset="salesforce_accounts",
        encoding="latin-1",
    )
    run = latest_run(sales)
    assert run.to_create == 1


def test_file_of_the_wrong_preset_is_refused(sales, client, django_capture_on_commit_callbacks):
    response = upload(
        client,
        django_capture_on_commit_callbacks,
        "hubspot_companies.csv",
        preset="salesforce_contacts",
    )
    assert response.status_code == 400
    assert "Contact ID" in response.content.decode()


def test_generic_csv_mapping_is_remembered_per_source(
    sales, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    content = b"Org Key,Org,Sector\nP-1,Pipe Co,Plumbing\n"
    fields = {"preset": "generic", "kind": "accounts", "source_name": "Pipedrive"}
    response = upload(client, capture, "orgs.csv", content, **fields)
    run = latest_run(sales)
    assert response.url == reverse("integrations:map-columns", args=[run.pk])
    page = client.get(response.url)
    assert b"Org Key" in page.content
    with capture(execute=True):
        response = client.post(response.url, {"id": "Org Key", "name": "Org", "industry": "Sector"})
    run.refresh_from_db()
    assert (run.status, run.to_create) == ("checked", 1)
    assert ImportSource.objects.get(user=sales, name="Pipedrive").mapping == {
        "id": "Org Key",
        "name": "Org",
        "industry": "Sector",
    }
    # The next file of that source is checked straight away.
    response = upload(client, capture, "orgs2.csv", content, **fields)
    second = latest_run(sales)
    assert response.url == reverse("integrations:import", args=[second.pk])
    assert second.status == ImportRun.Status.CHECKED


def test_mapping_without_a_required_field_keeps_the_choices(
    sales, client, django_capture_on_commit_callbacks
):
    content = b"Org Key,Org\nP-1,Pipe Co\n"
    fields = {"preset": "generic", "kind": "accounts", "source_name": "Other"}
    response = upload(client, django_capture_on_commit_callbacks, "o.csv", content, **fields)
    page = client.post(response.url, {"id": "Org Key", "name": ""})
    assert page.status_code == 400
    assert b'<option value="Org Key" selected>' in page.content


# --- Leads and visibility -----------------------------------------------------------------------


def owner_file(owner: str) -> bytes:
    return f'"Account Owner","Account Name","Account ID"\n"{owner}","Owned Co","001X"\n'.encode()


def test_salesperson_leads_what_they_import_whatever_the_owner_column(
    actors, client, django_capture_on_commit_callbacks
):
    client.force_login(actors.sales_a)
    import_file(
        client,
        django_capture_on_commit_callbacks,
        actors.sales_a,
        "o.csv",
        "salesforce_accounts",
        owner_file(actors.sales_b.username),
    )
    assert Customer.objects.get(name="Owned Co").lead == actors.sales_a


def test_manager_assigns_leads_of_their_team_by_owner_column(
    actors, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    client.force_login(actors.mgr_a)
    actors.sales_a2.email = "second@accord.example"
    actors.sales_a2.save()
    import_file(
        client,
        capture,
        actors.mgr_a,
        "o.csv",
        "salesforce_accounts",
        owner_file("SECOND@accord.example"),
    )
    assert Customer.objects.get(name="Owned Co").lead == actors.sales_a2
    # Someone of another team is not theirs to assign: a row error, nothing imported.
    upload(
        client,
        capture,
        "o2.csv",
        owner_file(actors.sales_b.username).replace(b"001X", b"001Y"),
        preset="salesforce_accounts",
    )
    run = latest_run(actors.mgr_a)
    assert [(e.line, e.column) for e in run.row_errors.all()] == [(2, "Account Owner")]


def test_specialist_cannot_import_accounts(actors, client, django_capture_on_commit_callbacks):
    client.force_login(actors.spec_a)
    upload(
        client,
        django_capture_on_commit_callbacks,
        "salesforce_accounts.csv",
        preset="salesforce_accounts",
    )
    run = latest_run(actors.spec_a)
    assert run.status == ImportRun.Status.FAILED
    assert not Customer.objects.filter(name="Acme Freight GmbH").exists()


def test_imports_never_touch_another_teams_accounts(
    actors, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # Team B imported the CRM first.
    client.force_login(actors.sales_b)
    import_file(client, capture, actors.sales_b, "salesforce_accounts.csv", "salesforce_accounts")
    import_file(client, capture, actors.sales_b, "salesforce_contacts.csv", "salesforce_contacts")
    theirs = set(Customer.objects.values_list("pk", "version", "data_version"))
    # Team A's contacts file names the same accounts: they are not found (and not named).
    client.force_login(actors.sales_a)
    upload(client, capture, "salesforce_contacts.csv", preset="salesforce_contacts")
    run = latest_run(actors.sales_a)
    assert run.error_count == 2
    assert all("no account of yours" in e.reason for e in run.row_errors.all())
    assert "Acme" not in " ".join(e.reason for e in run.row_errors.all())
    # Team A's accounts file creates team A's own accounts beside team B's.
    import_file(client, capture, actors.sales_a, "salesforce_accounts.csv", "salesforce_accounts")
    assert Customer.objects.filter(name="Acme Freight GmbH").count() == 2
    assert theirs <= set(Customer.objects.values_list("pk", "version", "data_version"))
    assert Stakeholder.objects.filter(customer__lead=actors.sales_a).count() == 0


def test_read_only_member_cannot_import_activities(
    actors, client, django_capture_on_commit_callbacks
):
    ExternalRef.objects.create(
        system="salesforce",
        kind="accounts",
        external_id="0015g00000AbCdEAAV",
        customer=actors.customer_a,
        object_id=actors.customer_a.pk,
        fingerprint="x",
    )
    client.force_login(actors.viewer_a)
    upload(
        client,
        django_capture_on_commit_callbacks,
        "salesforce_activities.csv",
        preset="salesforce_activities",
    )
    run = latest_run(actors.viewer_a)
    reasons = [e.reason for e in run.row_errors.all()]
    assert "your role on this account is read-only" in reasons
    assert not Meeting.objects.filter(customer=actors.customer_a).exists()


def test_another_users_import_is_404(actors, client, django_capture_on_commit_callbacks):
    client.force_login(actors.sales_a)
    upload(
        client,
        django_capture_on_commit_callbacks,
        "salesforce_accounts.csv",
        preset="salesforce_accounts",
    )
    run = latest_run(actors.sales_a)
    for user in (actors.sales_b, actors.mgr_a, actors.outsider):
        client.force_login(user)
        for name in ("import", "error-report", "map-columns"):
            assert client.get(reverse(f"integrations:{name}", args=[run.pk])).status_code == 404
        for name in ("run-import", "undo-import", "check-again"):
            assert client.post(reverse(f"integrations:{name}", args=[run.pk])).status_code == 404


def test_progress_fragment_polls_while_busy(actors, client):
    client.force_login(actors.sales_a)
    run = factories.ImportRunFactory(user=actors.sales_a, status=ImportRun.Status.IMPORTING)
    response = client.get(reverse("integrations:import", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in response.content
    assert b"<html" not in response.content


def test_imports_page_query_count(actors, client, django_assert_max_num_queries):
    client.force_login(actors.sales_a)
    for _ in range(5):
        factories.ImportRunFactory(user=actors.sales_a)
    # session, user, MFA device checks, the runs
    with django_assert_max_num_queries(8):
        assert client.get(reverse("integrations:imports")).status_code == 200
