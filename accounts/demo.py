"""The people of ``seed_demo``: one account per persona of the architecture, sharing one demo password."""

from dataclasses import dataclass

from portal.demo import SeedContext
from schools.models import Membership, User

Role = Membership.Role


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    name: str
    title: str
    # (role, school key or None for the whole district)
    memberships: tuple = ()


PERSONAS = [
    Persona("district_admin", "dana.whitfield@example.org", "Dana Whitfield",
            "Director of Safety and Security", ((Role.DISTRICT_ADMIN, None),)),
    Persona("district_leader", "marcus.bell@example.org", "Marcus Bell",
            "Deputy Superintendent", ((Role.DISTRICT_LEADER, None),)),
    Persona("school_a_admin", "angela.reyes@example.org", "Angela Reyes",
            "Principal, Pioneer High School", ((Role.SCHOOL_ADMIN, "a"),)),
    Persona("school_b_admin", "brian.okafor@example.org", "Brian Okafor",
            "Principal, Huron High School", ((Role.SCHOOL_ADMIN, "b"),)),
    Persona("school_a_staff", "tessa.lindqvist@example.org", "Tessa Lindqvist",
            "Science Teacher, Pioneer High School", ((Role.SCHOOL_STAFF, "a"),)),
    Persona("sro_two_schools", "sam.delgado@example.org", "Officer Sam Delgado",
            "School Resource Officer, Ann Arbor Police", ((Role.SRO, "a"), (Role.SRO, "c"))),
    Persona("counselor_threat_team", "corinne.park@example.org", "Corinne Park",
            "School Counselor, Pioneer High School", ((Role.COUNSELOR, "a"), (Role.THREAT_TEAM, "a"))),
    Persona("tip_triage", "tia.morgan@example.org", "Tia Morgan",
            "Student Support Coordinator", ((Role.TIP_TRIAGE, None),)),
    Persona("no_membership", "noel.brandt@example.org", "Noel Brandt", "New hire (no role yet)", ()),
]


def add_personas(ctx: SeedContext) -> None:
    since = ctx.school_years[0].starts_on
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults={"display_name": persona.name, "title": persona.title, "is_active": True})
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
        ctx.users[persona.key] = user
        held = []
        for role, school_key in persona.memberships:
            school = ctx.schools[school_key] if school_key else None
            Membership.objects.update_or_create(
                user=user, role=role, district=None if school else ctx.district, school=school,
                agency=ctx.agency if role == Role.SRO else None,
                defaults={"starts_on": since, "ends_on": None})
            held.append(f"{Role(role).label} ({school or ctx.district})")
        ctx.logins.append((persona.key, persona.email, "; ".join(held) or "no role: sees whom to ask"))
