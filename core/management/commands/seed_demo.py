from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from customers import demo as customers_demo


class Command(BaseCommand):
    help = "Create the demo users and a small realistic dataset (safe to run twice)."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            users = accounts_demo.seed()
            customers = customers_demo.seed(users)
            for module_name in ("dialogue.demo", "solutions.demo", "health.demo", "insights.demo"):
                module = _optional(module_name)
                if module is not None:
                    module.seed(users, customers)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: users sales1, sales2, spec1, manager1, admin "
                "(password accord-demo)."
            )
        )


def _optional(module_name: str) -> object | None:
    """Apps add their demo data in a `demo` module with `seed(users, customers)`."""
    import importlib

    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
