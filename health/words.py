"""The health score's words: its components' names and reasons, in the reader's language.

A reason is stored without words, as a key and its values (`{"key": "no_meeting_in",
"params": {"days": 45}}`), and worded when read (page, API, CSV, email, notification), so every
reader gets their own language. A reason stored as a sentence (before this) reads as it is.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

COMPONENT_NAMES = {
    "recency": _("Dialogue recency"),
    "engagement": _("Decision makers and champions"),
    "understanding": _("Problem understanding"),
    "solution": _("Solution progress"),
    "execution": _("Execution"),
    "balance": _("Dialogue balance"),
    "plan": _("Plan quality"),
}

Reason = dict[str, Any]


def reason(key: str, **params: Any) -> Reason:
    """A reason as stored: its key and the values its words need."""
    return {"key": key, "params": params}


def component_name(component: dict[str, Any]) -> str:
    name = COMPONENT_NAMES.get(component.get("key", ""))
    return str(name) if name is not None else str(component.get("name", ""))


def reason_text(stored: object) -> str:
    """One stored reason in the active language (a stored sentence as it is)."""
    if not isinstance(stored, dict):
        return str(stored)
    wording = _WORDINGS.get(stored.get("key", ""))
    if wording is None:
        return str(stored.get("key", ""))
    try:
        return wording(stored.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return str(stored.get("key", ""))


def reason_texts(reasons: Iterable[object]) -> list[str]:
    return [reason_text(r) for r in reasons]


def reason_key(stored: object) -> str:
    """A reason's stable machine key ("text" for a reason stored as a sentence)."""
    return str(stored.get("key", "")) if isinstance(stored, dict) else "text"


def present_components(components: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored components with their names and reasons worded in the active language; each
    keeps its reasons' keys and values (`reason_codes`) for machines."""
    return [
        {
            **component,
            "name": component_name(component),
            "reasons": reason_texts(component.get("reasons", [])),
            "reason_codes": [
                {
                    "key": reason_key(r),
                    "params": r.get("params", {}) if isinstance(r, dict) else {},
                }
                for r in component.get("reasons", [])
            ],
        }
        for component in components
    ]


def fall_text(points: int) -> str:
    return ngettext(
        "down %(points)s point in 30 days", "down %(points)s points in 30 days", points
    ) % {"points": points}


# --- The wordings, one per key -------------------------------------------------------------------


def _ago(days: int) -> str:
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}


def _last_meeting(p: dict) -> str:
    return gettext("last meeting %(when)s") % {"when": _ago(p["days"])}


def _no_meeting_in(p: dict) -> str:
    return ngettext("no meeting in %(days)s day", "no meeting in %(days)s days", p["days"]) % p


def _unlogged(p: dict) -> str:
    return (
        ngettext(
            "%(count)s planned meeting passed without an outcome",
            "%(count)s planned meetings passed without an outcome",
            p["count"],
        )
        % p
    )


# Whole sentences per buying role: other languages inflect the role's name.
def _no_key_person(p: dict) -> str:
    if p["role"] == "decision_maker":
        return gettext("no decision maker identified")
    return gettext("no champion identified")


def _key_person_not_met(p: dict) -> str:
    if p["role"] == "decision_maker":
        return gettext("no meeting with a decision maker yet")
    return gettext("no meeting with a champion yet")


def _key_person_met(p: dict) -> str:
    if p["role"] == "decision_maker":
        return gettext("met a decision maker %(when)s") % {"when": _ago(p["days"])}
    return gettext("met a champion %(when)s") % {"when": _ago(p["days"])}


def _key_person_not_met_in(p: dict) -> str:
    if p["role"] == "decision_maker":
        return (
            ngettext(
                "no meeting with a decision maker in %(days)s day",
                "no meeting with a decision maker in %(days)s days",
                p["days"],
            )
            % p
        )
    return (
        ngettext(
            "no meeting with a champion in %(days)s day",
            "no meeting with a champion in %(days)s days",
            p["days"],
        )
        % p
    )


def _goals_all_linked(p: dict) -> str:
    return (
        ngettext(
            "the active goal has a linked problem",
            "all %(total)s active goals have linked problems",
            p["total"],
        )
        % p
    )


def _goals_unlinked(p: dict) -> str:
    return (
        ngettext(
            "%(unlinked)s of %(total)s active goals has no linked problem",
            "%(unlinked)s of %(total)s active goals have no linked problem",
            p["unlinked"],
        )
        % p
    )


def _goals_confirmed(p: dict) -> str:
    return (
        ngettext(
            "%(confirmed)s of %(total)s active goal confirmed by the customer",
            "%(confirmed)s of %(total)s active goals confirmed by the customer",
            p["total"],
        )
        % p
    )


def _problems_confirmed(p: dict) -> str:
    if p.get("source"):
        return (
            ngettext(
                "%(count)s open problem confirmed by the customer (%(source)s)",
                "%(count)s open problems confirmed by the customer (%(source)s)",
                p["count"],
            )
            % p
        )
    return (
        ngettext(
            "%(count)s open problem confirmed by the customer",
            "%(count)s open problems confirmed by the customer",
            p["count"],
        )
        % p
    )


def _severe_uncovered(p: dict) -> str:
    if p["severity"] == "critical":
        return (
            ngettext(
                "%(uncovered)s of %(total)s critical problems has no proposal",
                "%(uncovered)s of %(total)s critical problems have no proposal",
                p["uncovered"],
            )
            % p
        )
    return (
        ngettext(
            "%(uncovered)s of %(total)s high-severity problems has no proposal",
            "%(uncovered)s of %(total)s high-severity problems have no proposal",
            p["uncovered"],
        )
        % p
    )


def _severe_all_covered(p: dict) -> str:
    return (
        ngettext(
            "the open severe problem has an active proposal",
            "all %(total)s open severe problems have an active proposal",
            p["total"],
        )
        % p
    )


def _proposals_stuck(p: dict) -> str:
    return (
        ngettext(
            "%(count)s proposal stuck in review for more than %(days)s days",
            "%(count)s proposals stuck in review for more than %(days)s days",
            p["count"],
        )
        % p
    )


def _overdue(p: dict) -> str:
    oldest = ngettext("%(days)s day", "%(days)s days", p["days"]) % p
    return ngettext(
        "%(overdue)s of %(open)s open action items is overdue (the oldest by %(oldest)s)",
        "%(overdue)s of %(open)s open action items are overdue (the oldest by %(oldest)s)",
        p["overdue"],
    ) % {**p, "oldest": oldest}


def _balance(p: dict) -> str:
    return (
        ngettext(
            "%(with_topics)s of %(recent)s meeting in the last %(days)s days recorded customer "
            "goals or problems",
            "%(with_topics)s of %(recent)s meetings in the last %(days)s days recorded customer "
            "goals or problems",
            p["recent"],
        )
        % p
    )


def _plan_criterion(p: dict) -> str:
    """A missed criterion of the plan scorecard, stored in every language (the scorecard words
    its criteria itself)."""
    texts = p["texts"]
    language = (get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


_WORDINGS: dict[str, Callable[[dict], str]] = {
    "no_meetings": lambda p: gettext("no meetings recorded yet"),
    "last_meeting": _last_meeting,
    "no_meeting_in": _no_meeting_in,
    "unlogged_plans": _unlogged,
    "no_stakeholders": lambda p: gettext("no stakeholders recorded"),
    "no_key_person": _no_key_person,
    "key_person_not_met": _key_person_not_met,
    "key_person_met": _key_person_met,
    "key_person_not_met_in": _key_person_not_met_in,
    "no_active_goals": lambda p: gettext("no active goals recorded"),
    "goals_all_linked": _goals_all_linked,
    "goals_unlinked": _goals_unlinked,
    "goals_confirmed": _goals_confirmed,
    "problems_confirmed": _problems_confirmed,
    "no_severe_problems": lambda p: gettext("no open severe problems"),
    "severe_uncovered": _severe_uncovered,
    "severe_all_covered": _severe_all_covered,
    "proposals_stuck": _proposals_stuck,
    "no_open_actions": lambda p: gettext("no open action items"),
    "none_overdue": lambda p: gettext("no overdue action items (%(open)s open)") % p,
    "overdue": _overdue,
    "no_recent_meetings": lambda p: gettext("no meetings in the last %(days)s days") % p,
    "balance": _balance,
    "plan_playbook": lambda p: (
        gettext("Playbook “%(name)s”: %(met)s of %(total)s criteria met.") % p
    ),
    "plan_criterion": _plan_criterion,
}
