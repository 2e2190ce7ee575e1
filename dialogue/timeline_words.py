"""The timeline's words: the kinds a reader filters by, what each entry and record is called,
and what happened to it, all in the reader's language."""

from django.utils.translation import gettext_lazy as _

from solutions.models import Contribution

# The kinds a reader can filter by (the "story" first; record changes last), and their labels.
TIMELINE_FILTERS = {
    "meeting": _("Meetings"),
    "action_item": _("Next steps"),
    "problem": _("New problems"),
    "proposal": _("Proposals"),
    "contribution": _("Contributions"),
    "comment": _("Comments"),
    "customer": _("The customer, in the shared space"),
    "change": _("Record changes"),
}
# Which filter each entry kind belongs to (a proposal's status moves go with proposals).
FILTER_OF_KIND = {"transition": "proposal"}

KIND_LABELS = {
    "meeting": _("Meeting"),
    "action_item": _("Next step"),
    "problem": _("New problem"),
    "proposal": _("Proposal"),
    "transition": _("Proposal status"),
    "contribution": _("Contribution"),
    "comment": _("Comment"),
    "change": _("Record change"),
    "customer": _("Customer, in the shared space"),
}
CONTRIBUTION_LINES = {
    Contribution.Status.REQUESTED: _("Contribution requested"),
    Contribution.Status.IN_PROGRESS: _("Contribution accepted"),
    Contribution.Status.DONE: _("Contribution done"),
    Contribution.Status.DECLINED: _("Contribution declined"),
}
CHANGE_ACTIONS = {
    "+": _("added"),
    "~": _("changed"),
    "-": _("deleted"),
    "deleted": _("deleted"),
    "restored": _("restored"),
}
# A record change names its model (the row's label); one and several, as in "12 stakeholders
# added".
RECORD_NAMES = {
    "customers.Customer": (_("customer"), _("customers")),
    "customers.BusinessModel": (_("business model"), _("business models")),
    "customers.StrategicMove": (_("strategic move"), _("strategic moves")),
    "customers.Goal": (_("goal"), _("goals")),
    "customers.Option": (_("option"), _("options")),
    "customers.Process": (_("process"), _("processes")),
    "customers.Stakeholder": (_("stakeholder"), _("stakeholders")),
    "customers.Problem": (_("problem"), _("problems")),
    "dialogue.Meeting": (_("meeting"), _("meetings")),
    "dialogue.ActionItem": (_("action item"), _("action items")),
    "solutions.Contribution": (_("contribution"), _("contributions")),
    "space.PlanStep": (_("shared plan step"), _("shared plan steps")),
    "space.Milestone": (_("shared plan milestone"), _("shared plan milestones")),
}
