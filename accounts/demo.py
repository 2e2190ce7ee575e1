"""Demo users, areas and the team (see DESIGN.md, "Demo data")."""

from accounts.models import Area, Team, TeamMember, User

DEMO_PASSWORD = "accord-demo"

AREAS = {
    "Engineering": "Product and solution engineering",
    "Finance": "Financing, leasing and commercial terms",
    "Logistics": "Supply chain and delivery",
    "Legal": "Contracts and compliance",
    "Service": "After-sales service and operations",
}

# A DACH team works in two languages: these users read Accord in German, on Berlin time; the
# others in English, on the deployment's zone (each can switch on the Preferences page).
GERMAN = {"manager1", "sales2"}

USERS = [
    # username, first, last, role, area
    ("sales1", "Sara", "Lindqvist", User.Role.SALESPERSON, None),
    ("sales2", "Tomás", "Ferreira", User.Role.SALESPERSON, None),
    ("spec1", "Priya", "Raman", User.Role.SPECIALIST, "Engineering"),
    ("spec2", "Jonas", "Weber", User.Role.SPECIALIST, "Finance"),
    ("manager1", "Mona", "Haddad", User.Role.MANAGER, None),
]


def seed() -> dict[str, User]:
    areas = {
        name: Area.objects.get_or_create(name=name, defaults={"description": description})[0]
        for name, description in AREAS.items()
    }
    users: dict[str, User] = {}
    for username, first, last, role, area in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@accord.example",
                "role": role,
                "area": areas[area] if area else None,
                "language": "de" if username in GERMAN else "en",
                "time_zone": "Europe/Berlin" if username in GERMAN else "",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Ada",
            "last_name": "Admin",
            "email": "admin@accord.example",
            "role": User.Role.ADMIN,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    users["admin"] = admin

    team, _ = Team.objects.get_or_create(
        name="Nordics & DACH", defaults={"manager": users["manager1"]}
    )
    for username in ("sales1", "sales2", "spec1", "spec2"):
        TeamMember.objects.get_or_create(team=team, user=users[username])
    return users
