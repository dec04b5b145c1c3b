from __future__ import annotations

from typing import cast

import factory

from gcmhub.accounts.models import Membership, Organisation, OrganisationKind, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganisationKind.STATE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-Long-pass-phrase-42")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    is_superuser = True
    is_staff = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER


def member(role: str, organisation: Organisation | None = None) -> User:
    """A new user holding ``role`` in ``organisation`` (a new one if not given)."""
    m = cast(
        Membership,
        MembershipFactory(role=role, organisation=organisation or OrganisationFactory()),
    )
    return m.user
