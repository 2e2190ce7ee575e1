from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import (
            audit,  # noqa: F401  (connects the membership audit receivers)
            middleware,  # noqa: F401  (connects the sign-in receiver)
            tasks,  # noqa: F401  (registers the tasks services.py queues by name, in every process)
        )
