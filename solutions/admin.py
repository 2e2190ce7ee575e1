from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from solutions.models import Comment, Contribution, Partner, Proposal


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "market", "speciality", "contact_name")
    search_fields = ("name", "market", "speciality")


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ("title", "customer", "status", "owner", "value", "currency")
    list_filter = ("status",)


admin.site.register(Contribution, SimpleHistoryAdmin)
admin.site.register(Comment, SimpleHistoryAdmin)
