"""Writes on customers that carry rules or side effects."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AccountMembership, User
from customers.models import Customer


def record_account_change(customer_id: int) -> None:
    """Mark the customer's data as changed, so its summary is rebuilt (call inside the write).

    The dirty flag is committed with the edit; the rebuild is queued only after the commit and
    a broker failure then is swallowed, so the edit never fails for it (the sweep catches up).
    """
    from insights.services import enqueue_after_commit

    Customer.objects.filter(pk=customer_id).update(
        data_version=F("data_version") + 1,
        summary_dirty_since=Coalesce(F("summary_dirty_since"), timezone.now()),
    )
    enqueue_after_commit(customer_id)


@transaction.atomic
def create_customer(
    *,
    name: str,
    lead: User,
    industry: str = "",
    website: str = "",
    size: str = "",
    description: str = "",
) -> Customer:
    """Create a customer with `lead` as its account lead."""
    customer = Customer.objects.create(
        name=name,
        lead=lead,
        industry=industry,
        website=website,
        size=size,
        description=description,
    )
    AccountMembership.objects.create(customer=customer, user=lead, role=AccountMembership.Role.LEAD)
    record_account_change(customer.pk)
    return customer


@transaction.atomic
def change_lead(customer: Customer, *, new_lead: User) -> Customer:
    """Make `new_lead` the account lead; the previous lead stays on the team as a specialist."""
    if customer.lead_id == new_lead.pk:
        return customer
    AccountMembership.objects.filter(customer=customer, role=AccountMembership.Role.LEAD).update(
        role=AccountMembership.Role.SPECIALIST
    )
    AccountMembership.objects.update_or_create(
        customer=customer, user=new_lead, defaults={"role": AccountMembership.Role.LEAD}
    )
    customer.lead = new_lead
    customer.save(update_fields=["lead", "updated_at"])
    record_account_change(customer.pk)
    return customer


@transaction.atomic
def set_membership(customer: Customer, *, user: User, role: str) -> AccountMembership:
    """Add `user` to the account team, or change their role (not to or from lead)."""
    if role == AccountMembership.Role.LEAD:
        change_lead(customer, new_lead=user)
        return AccountMembership.objects.get(customer=customer, user=user)
    if user.pk == customer.lead_id:
        raise ValueError("Choose a new lead before changing the current lead's role.")
    membership, _ = AccountMembership.objects.update_or_create(
        customer=customer, user=user, defaults={"role": role}
    )
    record_account_change(customer.pk)
    return membership


@transaction.atomic
def remove_membership(customer: Customer, *, user: User) -> None:
    """Take `user` off the account team; the lead cannot be removed."""
    if user.pk == customer.lead_id:
        raise ValueError("The lead cannot be removed; choose a new lead first.")
    AccountMembership.objects.filter(customer=customer, user=user).delete()
    record_account_change(customer.pk)
