"""Existing DRF tokens (rest_framework.authtoken, no longer installed) become ApiTokens.

Each keeps working with the same key, now stored as a hash, and expires API_TOKEN_DAYS after it
was created (older ones have expired already). None of them was issued after a two-factor
check, so users whose role requires two-factor must request a new one. The old table's rows
(plain keys) are deleted; the empty table is left for rest_framework.authtoken's migrations.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils.dateparse import parse_datetime


def _stamp(user) -> str:
    # User.credential_stamp() as of this migration (a migration must not import the model code).
    material = "\x1f".join(
        (
            user.role,
            str(user.is_staff),
            str(user.is_superuser),
            str(user.is_active),
            user.password,
            str(user.credentials_epoch),
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def move_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    users = User.objects.in_bulk({user_id for _, user_id, _ in rows})
    lifetime = dt.timedelta(days=getattr(settings, "API_TOKEN_DAYS", 30))
    ApiToken.objects.bulk_create(
        ApiToken(
            user=users[user_id],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            name="API token",
            stamp=_stamp(users[user_id]),
            is_mfa_verified=False,
            created_at=_aware(created),
            expires_at=_aware(created) + lifetime,
        )
        for key, user_id, created in rows
        if user_id in users
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens_and_single_line_fields")]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop)]
