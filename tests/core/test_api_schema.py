from django.core.management import call_command

from tests.conftest import api_as


def test_openapi_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (unresolvable types, ...) into a failure.
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/customers/" in (tmp_path / "schema.yaml").read_text()


def test_schema_and_swagger_ui_are_served_locally_to_staff_only(actors, api_client):
    assert api_client.get("/api/schema/").status_code in {401, 403}
    assert api_as(actors.sales_a).get("/api/schema/").status_code == 403
    assert api_as(actors.sales_a).get("/api/docs/").status_code == 403
    client = api_as(actors.admin)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn" not in body.lower()
