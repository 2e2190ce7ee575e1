"""Store Accord's session settings on its PostgreSQL database (`ALTER DATABASE ... SET`).

Needed behind PgBouncer in transaction mode (DATABASE_PGBOUNCER=true), which cannot pass them
when a connection starts; harmless otherwise. Run it once after `migrate`, and again after
changing DATABASE_STATEMENT_TIMEOUT_MS. The time zone is stored too (UTC), so Django never has
to set it on a connection that PgBouncer may hand to another client next.
"""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

SETTING_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")


class Command(BaseCommand):
    help = "Store Accord's session settings (timeouts, jit, search threshold) on the database."

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("configure_database needs PostgreSQL (DATABASE_URL).")
        database = connection.ops.quote_name(connection.settings_dict["NAME"])
        values = {**settings.DATABASE_SESSION_SETTINGS, "timezone": "UTC"}
        with connection.cursor() as cursor:
            for name, value in values.items():
                if not SETTING_NAME.match(name):
                    raise CommandError(f"Not a PostgreSQL setting name: {name!r}")
                # A utility statement takes no bind parameters: psycopg2 quotes the value.
                cursor.execute(f"ALTER DATABASE {database} SET {name} = %s", [str(value)])  # nosec B608
                self.stdout.write(f"{name} = {value}")
