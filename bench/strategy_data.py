"""The strategy part of the benchmark dataset: an offering catalogue, a playbook, each
customer's divisions and whitespace cells, and the value at stake of the open proposals."""

import datetime as dt
import random
from collections.abc import Callable

from accounts.models import Area
from bench.copy import Copier, next_id, reset_sequence
from solutions.models import Proposal
from strategy.models import Division, Offering, Playbook, ProposalValue, WhitespaceCell

OFFERINGS = [
    "Telematics",
    "Sorter retrofit",
    "Line automation",
    "Maintenance contract",
    "Spare-parts pool",
    "Equipment leasing",
    "Cross-dock design",
    "Energy audit",
    "Training academy",
    "Remote monitoring",
    "Digital twin",
    "Managed fleet",
]
DIVISIONS = ["Operations", "Retail", "Wholesale", "Export", "Services", "Manufacturing"]
# Status of an assessed cell, by weight; a fifth of the cells is left unassessed.
STATUSES = ["installed"] * 3 + ["opportunity"] * 3 + ["proposed", "not_a_fit", "competitor"]
PROBABILITY = {"draft": 30, "in_review": 50, "presented": 70}


def load_strategy(
    customer_ids: list[int],
    hot_ids: set[int],
    rng: random.Random,
    now: dt.datetime,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Copy the strategy rows in; hot customers get every division, others two to four."""
    areas = list(Area.objects.order_by("pk"))
    offerings = [
        Offering.objects.get_or_create(
            name=name, area=areas[i % len(areas)], defaults={"position": i}
        )[0].pk
        for i, name in enumerate(OFFERINGS)
    ]
    playbook, _ = Playbook.objects.get_or_create(name="Bench playbook")
    playbook.required_offerings.set(offerings[:2])
    divisions, cells = Copier(Division), Copier(WhitespaceCell)
    did, wid = next_id(Division), next_id(WhitespaceCell)
    for cid in customer_ids:
        count = len(DIVISIONS) if cid in hot_ids else rng.randint(2, 4)
        for name in DIVISIONS[:count]:
            divisions.add(
                {
                    "id": did,
                    "customer_id": cid,
                    "name": name,
                    "employees": rng.randint(50, 5000),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            for offering in offerings:
                if rng.random() < 0.2:
                    continue
                status = rng.choice(STATUSES)
                installed = status == "installed"
                cells.add(
                    {
                        "id": wid,
                        "customer_id": cid,
                        "division_id": did,
                        "offering_id": offering,
                        "status": status,
                        "annual_value": rng.randint(5, 300) * 1000 if installed else None,
                        "installed_since": now.date() - dt.timedelta(days=700)
                        if installed
                        else None,
                        "reason": "Runs it by hand" if status == "opportunity" else "",
                        "competitor": "Rival AG" if status == "competitor" else "",
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                wid += 1
            did += 1
    divisions.flush()
    cells.flush()
    values = Copier(ProposalValue)
    vid = next_id(ProposalValue)
    open_proposals = Proposal.objects.filter(
        customer_id__in=customer_ids, status__in=Proposal.OPEN_STATUSES, value__isnull=False
    ).values_list("pk", "customer_id", "value", "status")
    for pk, cid, value, status in open_proposals.iterator():
        values.add(
            {
                "id": vid,
                "customer_id": cid,
                "proposal_id": pk,
                "amount": value,
                "currency": "EUR",
                "rate": 1,
                "recurrence": rng.choice(["one_off", "per_year"]),
                "decision_on": now.date() + dt.timedelta(days=rng.randint(10, 200)),
                "probability": PROBABILITY.get(status, 50),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        vid += 1
    values.flush()
    for model in (Division, WhitespaceCell, ProposalValue):
        reset_sequence(model)
    log(
        f"divisions: {divisions.total}, whitespace cells: {cells.total}, "
        f"proposal values: {values.total}"
    )
    return {
        "divisions": divisions.total,
        "whitespace_cells": cells.total,
        "proposal_values": values.total,
    }
