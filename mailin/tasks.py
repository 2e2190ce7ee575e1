from celery import shared_task

from mailin.imap import poll_mailbox


@shared_task(ignore_result=True)
def poll_mailbox_task() -> int:
    """Celery beat: file the IMAP mailbox's new messages (when IMAP_HOST is set)."""
    return poll_mailbox().seen
