from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core import (
            audit,  # noqa: F401  (connects the audit signal receivers)
            lookups,  # noqa: F401  (registers the `any` lookup)
            metrics,  # noqa: F401  (counts Celery task outcomes, in workers too)
        )
