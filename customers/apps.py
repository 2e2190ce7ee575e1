from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        from customers.tallies import connect_team_signals

        connect_team_signals()
