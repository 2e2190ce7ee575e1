import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from core.errors import ImportRefused
from customers import imports
from customers.models import Customer, Stakeholder
from tests import factories


def csv_file(text, encoding="utf-8"):
    return io.BytesIO(text.encode(encoding))


def test_good_customer_file_imports_every_row(actors):
    result = imports.import_customers(
        csv_file("name,industry,website,size\nGamma,Energy,https://g.example,large\nDelta,,,\n"),
        by=actors.sales_a,
    )
    assert result.ok, result.errors
    assert result.created == 2
    gamma = Customer.objects.get(name="Gamma")
    assert (gamma.lead, gamma.size, gamma.memberships.get().role) == (
        actors.sales_a,
        "large",
        "lead",
    )


def test_any_bad_row_imports_nothing_and_reports_every_bad_row(actors):
    text = (
        "name,website,size\n"
        "Good One,https://good.example,small\n"
        ",https://nameless.example,small\n"
        "Bad Size,,gigantic\n"
        "Alpha Industries,,\n"
        '=HYPERLINK("http://evil"),,\n'
        "Good Two,,\n"
        "Good Two,,\n"
    )
    result = imports.import_customers(csv_file(text), by=actors.sales_a)
    assert not result.ok
    assert [line for line, _ in result.errors] == [3, 4, 5, 6, 8]
    reasons = dict(result.errors)
    assert "name" in reasons[3]
    assert "size" in reasons[4]
    assert "already exists" in reasons[5]
    assert "formula" in reasons[6]
    assert "twice" in reasons[8]
    assert Customer.objects.count() == 3


def test_only_admins_import_for_another_lead(actors):
    text = "name,lead\nGamma,sales_b\n"
    refused = imports.import_customers(csv_file(text), by=actors.sales_a)
    assert not refused.ok
    assert imports.import_customers(csv_file(text), by=actors.admin).ok
    assert Customer.objects.get(name="Gamma").lead == actors.sales_b


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("name\nCafé\n".encode("latin-1"), "UTF-8"),
        (b"name\x00,x\n", "binary"),
        (b"", "columns"),
        (b"title\nx\n", "columns"),
        (b"name,colour\nx,red\n", "Unknown columns"),
        (b"name\n\n\n", "no rows"),
        (b"name\n" + b"x" * (imports.MAX_BYTES + 1), "2 MB"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(actors, content, reason):
    result = imports.import_customers(io.BytesIO(content), by=actors.sales_a)
    assert not result.ok
    assert reason in result.errors[0][1]
    assert Customer.objects.count() == 3


def test_too_many_rows_are_refused(actors, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = "".join(f"C{i}\n" for i in range(4))
    result = imports.import_customers(csv_file("name\n" + rows), by=actors.sales_a)
    assert "more than 3 rows" in result.errors[0][1]


def test_bom_and_phone_numbers_are_fine(actors):
    text = "\ufeffname,phone,email,buying_role,influence,reports_to,owner\n"
    text += "Ann Boss,+49 30 1234,ann@x.example,decision_maker,5,,spec_a\n"
    text += "Bob Aide,-,bob@x.example,user,2,Ann Boss,\n"
    result = imports.import_stakeholders(
        csv_file(text), customer=actors.customer_a, by=actors.sales_a
    )
    assert result.ok, result.errors
    bob = Stakeholder.objects.get(name="Bob Aide")
    assert bob.reports_to.name == "Ann Boss"
    assert Stakeholder.objects.get(name="Ann Boss").owner == actors.spec_a


def test_bad_stakeholder_rows_import_nothing(actors):
    factories.StakeholderFactory(customer=actors.customer_a, name="Existing")
    text = (
        "name,email,buying_role,influence,reports_to,owner\n"
        "Fine,fine@x.example,user,3,Existing,\n"
        "Bad Mail,not-mail,user,3,,\n"
        "Bad Role,,king,3,,\n"
        "Bad Influence,,user,9,,\n"
        "Lost,,user,3,Nobody,\n"
        "Foreign Owner,,user,3,,sales_b\n"
        "Existing,,user,3,,\n"
    )
    result = imports.import_stakeholders(
        csv_file(text), customer=actors.customer_a, by=actors.sales_a
    )
    assert [line for line, _ in result.errors] == [3, 4, 5, 6, 7, 8]
    assert Stakeholder.objects.count() == 1


def test_reporting_loop_in_a_file_imports_nothing(actors):
    text = "name,reports_to\nA,B\nB,A\n"
    result = imports.import_stakeholders(
        csv_file(text), customer=actors.customer_a, by=actors.sales_a
    )
    assert not result.ok
    assert "loop" in result.errors[0][1]
    assert not Stakeholder.objects.exists()


def test_commands_import_and_fail_loudly(actors, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("name\nGamma\n", encoding="utf-8")
    call_command("import_customers", str(good), "--as", "sales_a")
    assert Customer.objects.filter(name="Gamma").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,size\nDelta,huge\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_customers", str(bad), "--as", "sales_a")
    people = tmp_path / "people.csv"
    people.write_text("name,buying_role\nAnn,champion\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_stakeholders", str(people), "--customer", actors.customer_a.pk, "--as", "spec_a"
        )
    call_command(
        "import_stakeholders", str(people), "--customer", actors.customer_a.pk, "--as", "sales_a"
    )
    assert Stakeholder.objects.get().buying_role == "champion"
    with pytest.raises(CommandError):
        call_command("import_customers", str(tmp_path / "missing.csv"), "--as", "sales_a")


def test_upload_pages(client, actors):
    url = reverse("customers:import-customers")
    client.force_login(actors.spec_a)
    assert client.get(url).status_code == 403
    client.force_login(actors.sales_a)
    bad = SimpleUploadedFile("c.csv", b"name,size\nX,huge\nY,tiny\n", content_type="text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Line 2" in response.content.decode()
    assert "Line 3" in response.content.decode()
    good = SimpleUploadedFile("c.csv", b"name\nGamma\n", content_type="text/csv")
    assert client.post(url, {"file": good}).status_code == 302
    assert client.post(url, {}).status_code == 200
    people = reverse("customers:import-stakeholders", args=[actors.customer_a.pk])
    client.force_login(actors.spec_a)
    assert client.get(people).status_code == 403
    client.force_login(actors.outsider)
    assert client.get(people).status_code == 404
    client.force_login(actors.mgr_a)
    upload = SimpleUploadedFile("p.csv", b"name\nAnn\n", content_type="text/csv")
    assert client.post(people, {"file": upload}).status_code == 302
    assert Stakeholder.objects.filter(customer=actors.customer_a, name="Ann").exists()


# Pen-test finding 3 and the CSV reader


def test_a_name_that_exists_only_in_another_team_neither_blocks_nor_shows(actors):
    """Beta Holdings is team B's: team A's importer learns nothing about it."""
    hidden = imports.import_customers(csv_file("name\nBeta Holdings\n"), by=actors.sales_a)
    assert hidden.ok, hidden.errors
    assert Customer.objects.filter(name="Beta Holdings").count() == 2
    # A name the importer can see is still refused, whatever its case.
    seen = imports.import_customers(csv_file("name\nalpha industries\n"), by=actors.sales_a)
    assert not seen.ok
    assert "already exists" in seen.errors[0][1]


def test_the_lead_column_does_not_tell_a_non_admin_which_usernames_exist(actors):
    existing = imports.import_customers(csv_file("name,lead\nGamma,sales_b\n"), by=actors.sales_a)
    missing = imports.import_customers(csv_file("name,lead\nGamma,nobody-x\n"), by=actors.sales_a)
    assert existing.errors == missing.errors
    own = imports.import_customers(csv_file("name,lead\nGamma,SALES_A\n"), by=actors.sales_a)
    assert own.ok, own.errors


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('name,industry\nGood,Energy\n"Unclosed,Energy\nMore,Retail\n', 3),
        ('name,industry\nGood,Energy\n\n\n"Unclosed,Energy\n', 5),
        ('name\n"Unclosed\n', 2),
    ],
)
def test_an_unterminated_quote_is_refused_with_its_line(actors, text, line):
    result = imports.import_customers(csv_file(text), by=actors.sales_a)
    assert not result.ok
    assert result.errors == [
        (0, f'Line {line}: a quoted cell starts here and is never closed (a " is missing).')
    ]
    assert not Customer.objects.filter(name="Good").exists()


def test_a_stakeholder_file_with_an_unterminated_quote_is_refused(actors):
    text = 'name,title\nAnna,CFO\nBert,"Head of\n'
    result = imports.import_stakeholders(
        csv_file(text), customer=actors.customer_a, by=actors.sales_a
    )
    assert result.errors == [
        (0, 'Line 3: a quoted cell starts here and is never closed (a " is missing).')
    ]
    assert not Stakeholder.objects.filter(customer=actors.customer_a).exists()


def test_a_refused_file_is_explained_in_the_users_language():
    with translation.override("de"), pytest.raises(ImportRefused) as refused:
        imports._read_rows(io.BytesIO(b"nom\nNordwind\n"), ("name", "industry"))
    assert str(refused.value) == (
        "Die erste Zeile muss die Spalten benennen, mindestens „name“: name, industry."
    )
