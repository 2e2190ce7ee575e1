from rest_framework.routers import SimpleRouter

from accounts.notifications import NotificationViewSet

router = SimpleRouter()
# "api-" keeps the route names clear of the inbox pages' `notification-read`.
router.register("notifications", NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
