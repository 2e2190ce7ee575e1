"""The proposal and contribution workflows: which status may follow which."""

from solutions.models import Contribution, Proposal

S = Proposal.Status

# The proposal workflow, written once: every page, endpoint and test reads this table.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.PRESENTED, S.WITHDRAWN}),
    S.PRESENTED: frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.REJECTED: frozenset({S.DRAFT}),
    S.WITHDRAWN: frozenset({S.DRAFT}),
}

C = Contribution.Status

# Requested -> accepted (in progress) or declined; in progress -> done or declined; a done
# contribution can be reopened by whoever answers it.
CONTRIBUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    C.REQUESTED: frozenset({C.IN_PROGRESS, C.DECLINED}),
    C.IN_PROGRESS: frozenset({C.DONE, C.DECLINED}),
    C.DONE: frozenset({C.IN_PROGRESS}),
    C.DECLINED: frozenset(),
}


def allowed_transitions(status: str) -> list[str]:
    """The statuses a proposal in `status` may move to, in workflow order."""
    return [value for value in S.values if value in TRANSITIONS[status]]
