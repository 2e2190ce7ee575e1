"""Demo customers and their account teams."""

from accounts.models import AccountMembership, User
from customers import services
from customers.models import Customer

CUSTOMERS = [
    # name, industry, website, size, lead, [(member, role)]
    (
        "Nordwind Logistics",
        "Logistics",
        "https://nordwind.example",
        "enterprise",
        "sales1",
        [("spec1", "specialist"), ("spec2", "specialist")],
    ),
    (
        "Helix Medical",
        "Medical devices",
        "https://helix-medical.example",
        "large",
        "sales1",
        [("spec1", "specialist")],
    ),
    (
        "Brightwater Foods",
        "Food processing",
        "https://brightwater.example",
        "medium",
        "sales1",
        [("spec2", "viewer")],
    ),
    (
        "Kestrel Aerospace",
        "Aerospace",
        "https://kestrel.example",
        "enterprise",
        "sales2",
        [("spec2", "specialist")],
    ),
    ("Lumen Retail", "Retail", "https://lumen-retail.example", "large", "sales2", []),
]


def seed(users: dict[str, User]) -> dict[str, Customer]:
    customers: dict[str, Customer] = {}
    for name, industry, website, size, lead, members in CUSTOMERS:
        customer = Customer.objects.filter(name=name).first()
        if customer is None:
            customer = services.create_customer(
                name=name, lead=users[lead], industry=industry, website=website, size=size
            )
        for username, role in members:
            AccountMembership.objects.get_or_create(
                customer=customer, user=users[username], defaults={"role": role}
            )
        customers[name] = customer
    return customers
