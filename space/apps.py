from django.apps import AppConfig


class SpaceConfig(AppConfig):
    name = "space"
    verbose_name = "Shared space"

    def ready(self) -> None:
        from space import tasks  # noqa: F401  (registers the tasks services.py queues by name)
