"""The whitespace in the account plan PDF (core.pdf.plan_pdf_parts, settings.PLAN_PDF_PARTS)."""

import subprocess

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_plan_pdf_holds_the_whitespace_grid_with_its_totals(client, actors, settings):
    settings.ORGANISATION_CURRENCY = "EUR"
    customer = actors.customer_a
    area = factories.AreaFactory(name="Logistics")
    telematics = factories.OfferingFactory(name="Telematics", area=area)
    factories.OfferingFactory(name="Fleet audit", area=area)
    retail = factories.DivisionFactory(customer=customer, name="Retail arm")
    factories.DivisionFactory(customer=customer, name="Wholesale arm")
    factories.WhitespaceCellFactory(
        customer=customer,
        division=retail,
        offering=telematics,
        status="installed",
        annual_value=48000,
    )
    client.force_login(actors.sales_a)

    response = client.get(reverse("insights:plan-pdf", args=[customer.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Whitespace",
        "Retail arm",
        "Wholesale arm",
        "Telematics",
        "Fleet audit",
        "Installed",
        "48,000",
        "Installed per year: 48,000 EUR",
        "Account summary",
    ):
        assert expected in text, expected


def test_the_plan_pdf_says_when_there_are_no_divisions(client, actors):
    client.force_login(actors.sales_a)

    text = pdf_text(client.get(reverse("insights:plan-pdf", args=[actors.customer_a.pk])).content)

    assert "No divisions yet." in text
