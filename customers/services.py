"""Writes on customers that carry rules or side effects."""

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AccountMembership, User
from core.softdelete import SoftDeletable
from core.versioning import StaleVersion, save_versioned
from customers import tallies
from customers.changes import record_account_change
from customers.models import (
    BusinessModel,
    Customer,
    CustomerOwned,
    Goal,
    Problem,
    Process,
    ProcessStep,
)


@transaction.atomic
def create_customer(
    *,
    name: str,
    lead: User,
    industry: str = "",
    website: str = "",
    size: str = "",
    description: str = "",
    publish: bool = True,
) -> Customer:
    """Create a customer with `lead` as its account lead. With `publish=False` the caller tells
    the change feed's consumers itself (a bulk import, from its worker)."""
    customer = Customer.objects.create(
        name=name,
        lead=lead,
        industry=industry,
        website=website,
        size=size,
        description=description,
    )
    AccountMembership.objects.create(customer=customer, user=lead, role=AccountMembership.Role.LEAD)
    tallies.retally_customer(customer.pk)
    record_account_change(customer.pk, publish=publish)
    return customer


@transaction.atomic
def change_lead(customer: Customer, *, new_lead: User) -> Customer:
    """Make `new_lead` the account lead; the previous lead stays on the team as a specialist."""
    if customer.lead_id == new_lead.pk:
        return customer
    viewers_before, lead_before = tallies.viewers_of(customer.pk), customer.lead_id
    AccountMembership.objects.filter(customer=customer, role=AccountMembership.Role.LEAD).update(
        role=AccountMembership.Role.SPECIALIST
    )
    AccountMembership.objects.update_or_create(
        customer=customer, user=new_lead, defaults={"role": AccountMembership.Role.LEAD}
    )
    customer.lead = new_lead
    customer.save(update_fields=["lead", "updated_at"])
    tallies.retally_customer(customer.pk, viewers_before=viewers_before, leads_before={lead_before})
    record_account_change(customer.pk)
    return customer


@transaction.atomic
def set_membership(customer: Customer, *, user: User, role: str) -> AccountMembership:
    """Add `user` to the account team, or change their role (not to or from lead)."""
    if role == AccountMembership.Role.LEAD:
        change_lead(customer, new_lead=user)
        return AccountMembership.objects.get(customer=customer, user=user)
    if user.pk == customer.lead_id:
        raise ValueError(gettext("Choose a new lead before changing the current lead's role."))
    viewers_before = tallies.viewers_of(customer.pk)
    membership, _ = AccountMembership.objects.update_or_create(
        customer=customer, user=user, defaults={"role": role}
    )
    tallies.retally_customer(customer.pk, viewers_before=viewers_before)
    record_account_change(customer.pk)
    return membership


@transaction.atomic
def remove_membership(customer: Customer, *, user: User) -> None:
    """Take `user` off the account team; the lead cannot be removed."""
    if user.pk == customer.lead_id:
        raise ValueError(gettext("The lead cannot be removed; choose a new lead first."))
    viewers_before = tallies.viewers_of(customer.pk)
    AccountMembership.objects.filter(customer=customer, user=user).delete()
    tallies.retally_customer(customer.pk, viewers_before=viewers_before)
    record_account_change(customer.pk)


# --- The sales intelligence model -------------------------------------------------------------


def _set_history_user(instance: models.Model, by: User | None) -> None:
    # API requests authenticate after the history middleware ran, so name the author explicitly.
    if by is not None:
        instance._history_user = by  # type: ignore[attr-defined]


@transaction.atomic
def update_customer(
    customer: Customer, *, by: User, expected_version: int, changes: dict
) -> Customer:
    """Change the customer's core record, refusing a stale version."""
    _set_history_user(customer, by)
    save_versioned(customer, expected_version=expected_version, changes=changes)
    if "industry" in changes:
        tallies.retally_customer(customer.pk)
    record_account_change(customer.pk)
    return customer


@transaction.atomic
def create_record[M: CustomerOwned](
    model: type[M], *, customer: Customer, by: User, fields: dict, m2m: dict | None = None
) -> M:
    """Create one of the account's records (goal, problem, stakeholder, ...) with its links."""
    record = model(customer=customer, **fields)
    _set_history_user(record, by)
    record.save()
    for name, values in (m2m or {}).items():
        getattr(record, name).set(values)
    record_account_change(customer.pk)
    return record


@transaction.atomic
def update_record[M: CustomerOwned](
    record: M, *, by: User, expected_version: int, changes: dict, m2m: dict | None = None
) -> M:
    """Change one of the account's records, refusing a stale version (StaleVersion)."""
    _set_history_user(record, by)
    save_versioned(record, expected_version=expected_version, changes=changes, m2m=m2m)
    record_account_change(record.customer_id)
    return record


@transaction.atomic
def delete_record(record: CustomerOwned, *, by: User) -> None:
    """Delete one of the account's records (its history keeps what it was).

    Soft-deletable records (every kind people create) go to the account's trash, restorable
    for 30 days; the rest is deleted.
    """
    if isinstance(record, SoftDeletable):
        if record.soft_delete(by=by):
            record_account_change(record.customer_id)
        return
    _set_history_user(record, by)
    customer_id = record.customer_id
    record.delete()
    record_account_change(customer_id)


@transaction.atomic
def save_canvas_box(
    customer: Customer, *, field: str, value: str, expected_version: int, by: User
) -> BusinessModel:
    """Save one box of the Business Model Canvas.

    Boxes are edited independently, so a version that moved on only conflicts when this box
    itself changed since the writer read it (the history row at their version tells us).
    """
    if field not in BusinessModel.CANVAS_FIELDS:
        raise ValueError(f"{field} is not a canvas box.")
    canvas = BusinessModel.objects.select_for_update().filter(customer=customer).first()
    if canvas is None:
        if expected_version != 1:
            raise StaleVersion(BusinessModel(customer=customer), None)
        canvas = BusinessModel(customer=customer, version=2, **{field: value})
        _set_history_user(canvas, by)
        canvas.save()
        record_account_change(customer.pk)
        return canvas
    if canvas.version != expected_version:
        seen = canvas.history.filter(version=expected_version).first()
        if seen is None or getattr(seen, field) != getattr(canvas, field):
            raise StaleVersion(canvas, canvas)
        expected_version = canvas.version
    return update_record(canvas, by=by, expected_version=expected_version, changes={field: value})


@transaction.atomic
def save_business_model(
    customer: Customer, *, expected_version: int, changes: dict, by: User
) -> BusinessModel:
    """Save several canvas boxes at once (the API's PUT/PATCH)."""
    canvas = BusinessModel.objects.filter(customer=customer).first()
    if canvas is None:
        # The unsaved canvas reads as version 1; the first write stores version 2, so a second
        # writer who also read version 1 gets a conflict (or the unique customer refuses it).
        if expected_version != 1:
            raise StaleVersion(BusinessModel(customer=customer), None)
        canvas = BusinessModel(customer=customer, version=2, **changes)
        _set_history_user(canvas, by)
        canvas.save()
        record_account_change(customer.pk)
        return canvas
    return update_record(canvas, by=by, expected_version=expected_version, changes=changes)


@transaction.atomic
def add_process_step(
    process: Process, *, name: str, description: str = "", by: User
) -> ProcessStep:
    """Append a step to the end of a process."""
    last = process.steps.aggregate(last=Max("position"))["last"] or 0
    step = ProcessStep(process=process, position=last + 1, name=name, description=description)
    _set_history_user(step, by)
    step.save()
    Process.objects.filter(pk=process.pk).update(updated_at=timezone.now())
    record_account_change(process.customer_id)
    return step


@transaction.atomic
def move_process_step(step: ProcessStep, *, up: bool, by: User) -> None:
    """Swap a step with its neighbour; the ends stay where they are."""
    steps = list(
        ProcessStep.objects.select_for_update()
        .filter(process_id=step.process_id)
        .order_by("position")
    )
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(steps):
        return
    steps[index], steps[other] = steps[other], steps[index]
    _renumber_steps(steps, by=by)
    record_account_change(step.process.customer_id)


# Deleted steps are parked at positions from here on, out of the live steps' range (positions
# are unique per process, deleted steps included).
PARKED_STEP_POSITION = 10_000


def _park_step(step: ProcessStep) -> None:
    parked = ProcessStep._base_manager.filter(
        process_id=step.process_id, position__gt=PARKED_STEP_POSITION
    ).aggregate(last=Max("position"))["last"]
    position = (parked or PARKED_STEP_POSITION) + 1
    ProcessStep._base_manager.filter(pk=step.pk).update(position=position)


@transaction.atomic
def delete_process_step(step: ProcessStep, *, by: User) -> None:
    """Move a step to the account's trash; its pain points keep their link to it, shown again
    when the step is restored (at the end of its process)."""
    if step.soft_delete(by=by):
        _park_step(step)
        process = step.process
        _renumber_steps(list(process.steps.select_for_update().order_by("position")), by=by)
        record_account_change(process.customer_id)


@transaction.atomic
def place_restored_step(step: ProcessStep) -> None:
    """Give a step taken out of the trash the next position after its process's live steps."""
    last = ProcessStep.objects.filter(process_id=step.process_id).exclude(pk=step.pk)
    position = (last.aggregate(last=Max("position"))["last"] or 0) + 1
    ProcessStep._base_manager.filter(pk=step.pk).update(position=position)


@transaction.atomic
def replace_process_steps(process: Process, *, steps: list[dict], by: User) -> None:
    """Make the process's steps exactly `steps`, in order (existing ones keep their id)."""
    existing = {s.pk: s for s in process.steps.select_for_update()}
    kept_ids = {item["id"] for item in steps if item.get("id")}
    for pk, step in existing.items():
        if pk not in kept_ids and step.soft_delete(by=by):
            _park_step(step)
    ordered = []
    for item in steps:
        step = existing.get(item.get("id")) or ProcessStep(process=process)
        step.name = item["name"]
        step.description = item.get("description", "")
        ordered.append(step)
    _renumber_steps(ordered, by=by)
    record_account_change(process.customer_id)


def _renumber_steps(steps: list[ProcessStep], *, by: User) -> None:
    # Positions are unique per process: park the saved ones above the range first.
    offset = len(steps) + 1000
    saved = [s for s in steps if s.pk]
    for i, step in enumerate(saved):
        ProcessStep.objects.filter(pk=step.pk).update(position=offset + i)
    for position, step in enumerate(steps, start=1):
        step.position = position
        _set_history_user(step, by)
        step.save()


@transaction.atomic
def link_problem_to_goal(problem: Problem, *, goal: Goal, by: User) -> None:
    """Record that `problem` blocks `goal` (both of the same customer)."""
    if problem.customer_id != goal.customer_id:
        raise ValueError(gettext("A problem can only block goals of its own customer."))
    problem.blocks_goals.add(goal)
    _touch(problem, by=by)


@transaction.atomic
def unlink_problem_from_goal(problem: Problem, *, goal: Goal, by: User) -> None:
    """Record that `problem` no longer blocks `goal`."""
    problem.blocks_goals.remove(goal)
    _touch(problem, by=by)


def _touch(record: CustomerOwned, *, by: User) -> None:
    # A link change is a change of the record: bump its version so open forms notice.
    _set_history_user(record, by)
    stored = type(record).objects.select_for_update().filter(pk=record.pk)
    record.version = stored.values_list("version", flat=True).get() + 1
    record.save(update_fields=["version", "updated_at"])
    record_account_change(record.customer_id)
