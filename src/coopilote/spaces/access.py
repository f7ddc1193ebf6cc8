"""The only door into a space: who is asking, what their role is, and what they may do.

Two queries answer every request: the space with its ancestors, then the asker's memberships
in the space and its ancestors. Non-members of a secret (or closed) space get exactly the 404
of a space that does not exist; members who lack a right get 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse

from coopilote.spaces import policies
from coopilote.spaces.models import Membership, SlugRedirect, Space
from coopilote.spaces.policies import INHERITED_ROLE, Role

# Deep enough for a network → group → sub-group → project; creation refuses deeper trees.
MAX_DEPTH = 4
_ANCESTORS = "__".join(["parent"] * (MAX_DEPTH - 1))


SpaceView = Callable[..., HttpResponse]


class SpaceMoved(Exception):  # noqa: N818 - a signal to the view, not an error
    def __init__(self, space: Space) -> None:
        self.space = space


@dataclass
class SpaceAccess:
    space: Space
    user: Any
    membership: Membership | None
    role: Role | None
    _cache: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated)

    def can(self, verb: str) -> bool:
        if verb not in self._cache:
            self._cache[verb] = policies.allowed(
                verb=verb,
                role=self.role,
                visibility=self.space.visibility,
                status=self.space.status,
                directory_visibility=self.space.directory_visibility,
                authenticated=self.is_authenticated,
            )
        return self._cache[verb]

    def require(self, verb: str) -> None:
        """Refuse with 404 when the asker may not even know the space, 403 otherwise."""
        if self.can(verb):
            return
        if not self.can(policies.SEE_CARD):
            raise Http404
        raise PermissionDenied

    @property
    def may(self) -> _Verbs:
        """For templates: ``access.may.members_invite`` is ``access.can("members.invite")``."""
        return _Verbs(self)

    @property
    def grantable_roles(self) -> list[Role]:
        return [role for role in Role if self.may_grant(role)]

    def may_grant(self, role: Role) -> bool:
        return self.can(policies.MANAGE_MEMBERS) and policies.may_grant(self.role, role)


class _Verbs:
    def __init__(self, access: SpaceAccess) -> None:
        self._access = access

    def __getattr__(self, name: str) -> bool:
        return self._access.can(name.replace("_", ".", 1))


def effective_role(space: Space, memberships: dict[int, Role]) -> Role | None:
    """The person's own role, or the one their role in an ancestor gives them."""
    role = memberships.get(space.pk)
    for ancestor in space.ancestors():
        inherited = INHERITED_ROLE.get(memberships.get(ancestor.pk))  # type: ignore[arg-type]
        role = policies.higher(role, inherited)
    return role


def access_for(space: Space, user: Any) -> SpaceAccess:
    """Access for a space already loaded with its ancestors (one query for memberships)."""
    if user is None or not user.is_authenticated:
        return SpaceAccess(space=space, user=user, membership=None, role=None)
    ids = [space.pk, *(ancestor.pk for ancestor in space.ancestors())]
    rows = list(Membership.objects.filter(user=user, space_id__in=ids))
    own = next((row for row in rows if row.space_id == space.pk), None)
    role = effective_role(space, {row.space_id: Role(row.role) for row in rows})
    if own is not None:
        own.space = space
    return SpaceAccess(space=space, user=user, membership=own, role=role)


def load_space(slug: str) -> Space:
    space = Space.objects.select_related(_ANCESTORS).filter(slug=slug).first()
    if space is None:
        raise Http404
    return space


def space_access(request: HttpRequest, slug: str, verb: str = policies.READ) -> SpaceAccess:
    """Resolve ``slug`` for this request and require ``verb``.

    A former address raises ``SpaceMoved`` (the view answers with a permanent redirect), but
    only to someone who may see the space: for anyone else it is a 404 like any unknown address.
    """
    try:
        space = load_space(slug)
    except Http404:
        moved = SlugRedirect.objects.filter(slug=slug).values_list("space__slug", flat=True)
        current = moved.first()
        if current is None:
            raise
        access = access_for(load_space(current), request.user)
        if not access.can(policies.SEE_CARD):
            raise Http404 from None
        raise SpaceMoved(access.space) from None
    access = access_for(space, request.user)
    access.require(verb)
    return access


def with_space(verb: str = policies.READ) -> Callable[[SpaceView], Callable[..., HttpResponse]]:
    """Decorate a view taking ``(request, access, **kwargs)`` and routed with a ``slug``."""

    def decorator(view: SpaceView) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            try:
                access = space_access(request, slug, verb)
            except SpaceMoved as moved:
                match = request.resolver_match
                assert match is not None
                url = reverse(match.view_name, kwargs={**match.kwargs, "slug": moved.space.slug})
                if request.GET:
                    url += "?" + request.GET.urlencode()
                return HttpResponsePermanentRedirect(url)
            return view(request, access, **kwargs)

        return wrapped

    return decorator
