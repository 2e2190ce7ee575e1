"""Work for one user outside a request (emails, digests) in their time zone and language."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation

from accounts.models import User


@contextmanager
def as_user_sees_it(user: User) -> Iterator[None]:
    """Activate `user`'s language (else the site's) and time zone (else settings.TIME_ZONE)."""
    language = user.language or settings.LANGUAGE_CODE
    zone = user.zone or timezone.get_default_timezone()
    with translation.override(language), timezone.override(zone):
        yield
