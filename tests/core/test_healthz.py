from unittest import mock

from django.db import OperationalError, connection
from django.test import Client

from config.celery import app as celery_app


def test_healthz_reports_database_up(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok"
    assert data["status"] in {"ok", "degraded"}


def test_healthz_reports_broker_down_as_degraded(db):
    celery_app.conf.task_always_eager = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = Client().get("/healthz")
    finally:
        celery_app.conf.broker_url = previous
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}


def test_healthz_reports_database_down_as_503(db):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
