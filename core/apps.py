from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core import (
            audit,  # noqa: F401  (connects the audit signal receivers)
            lookups,  # noqa: F401  (registers the `any` lookup)
            metrics,  # noqa: F401  (counts Celery task outcomes, in workers too)
            # Connects the sign-in time receiver before the first request loads the middleware:
            # a sign-in before any request (the first test of a process) must record it too.
            middleware,  # noqa: F401
        )
