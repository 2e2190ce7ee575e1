from django.http import HttpRequest

from accounts.notifications import unread_count


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's unread notification count for the navigation bar (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
