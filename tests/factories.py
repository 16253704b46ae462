"""factory_boy builders for the shared model."""

import datetime as dt

import factory

from schools.models import Agency, Building, District, Membership, School, SchoolYear, User

DEFAULT_PASSWORD = "correct horse battery staple"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    state = "MI"
    time_zone = "America/Detroit"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    low_grade = "09"
    high_grade = "12"
    level = School.Level.HIGH
    enrollment = 500


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    school = factory.SubFactory(SchoolFactory)
    name = "Main building"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Police Department {n}")
    kind = Agency.Kind.POLICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.SCHOOL_ADMIN
    starts_on = dt.date(2020, 1, 1)


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    district = factory.SubFactory(DistrictFactory)
    name = "2026-27"
    starts_on = dt.date(2026, 7, 1)
    ends_on = dt.date(2027, 6, 30)
    first_instructional_day = dt.date(2026, 8, 31)
    last_instructional_day = dt.date(2027, 6, 11)
