from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dialogue.models import ActionItem, Meeting, PlannedMeeting


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "customer", "occurred_at", "kind", "author")
    list_filter = ("kind", "sentiment")
    search_fields = ("title",)


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("description", "customer", "owner", "due_on", "status")
    list_filter = ("status",)


@admin.register(PlannedMeeting)
class PlannedMeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "customer", "starts_at", "status", "owner")
    list_filter = ("status", "kind")
    search_fields = ("title",)
