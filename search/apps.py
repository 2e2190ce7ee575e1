from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search.folding import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="search.fold")
