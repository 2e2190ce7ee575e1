from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from customers import demo as customers_demo
from customers import tallies
from dialogue import demo as dialogue_demo
from health import demo as health_demo
from insights import demo as insights_demo
from mailin import demo as mailin_demo
from solutions import demo as solutions_demo
from space import demo as space_demo
from strategy import demo as strategy_demo


class Command(BaseCommand):
    help = "Create the demo users and a small realistic dataset (safe to run twice)."

    def handle(self, *args: object, **options: object) -> None:
        # One transaction; the dashboards' tallies are recomputed once at the end, not per write.
        with tallies.deferred():
            users = accounts_demo.seed()
            customers = customers_demo.seed(users)
            # Each app adds its part; health and the summaries read what the others made.
            for app_demo in (
                dialogue_demo,
                solutions_demo,
                space_demo,
                strategy_demo,
                mailin_demo,
                health_demo,
                insights_demo,
            ):
                app_demo.seed(users, customers)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: users sales1, sales2, spec1, manager1, admin "
                "(password accord-demo)."
            )
        )
