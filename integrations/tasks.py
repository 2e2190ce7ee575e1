from celery import shared_task

from core.tasks import retry_policy
from integrations import imports

# Below the broker's visibility timeout (900 s), so a long import is never delivered twice.
IMPORT_TIME_LIMIT = 840


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def check_import_task(run_id: int) -> None:
    imports.check_run(run_id)


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def apply_import_task(run_id: int) -> None:
    imports.apply_run(run_id)
