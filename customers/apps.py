from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from customers.tallies import connect_team_signals, fill_after_migrate

        connect_team_signals()
        post_migrate.connect(fill_after_migrate, sender=self, dispatch_uid="tally-fill")
