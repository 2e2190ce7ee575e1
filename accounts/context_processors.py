from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.notifications import unread_count


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's unread notification count for the navigation bar: one query, run
    only when a template shows it (a full page does; an htmx fragment such as the search
    type-ahead does not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
