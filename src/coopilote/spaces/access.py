"""The only door into a space: who is asking, what their role is, and what they may do.

Two queries answer every request: the space with its ancestors, then the asker's memberships
in the space and its ancestors. Non-members of a secret (or closed) space get exactly the 404
of a space that does not exist; members who lack a right get 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from coopilote.spaces import policies
from coopilote.spaces.models import Membership, SlugRedirect, Space, SpaceTool
from coopilote.spaces.policies import INHERITED_ROLE, Role

if TYPE_CHECKING:
    from coopilote.spaces.registry import ToolManifest

# Deep enough for a network → group → sub-group → project; creation refuses deeper trees.
MAX_DEPTH = 4
ANCESTORS = "__".join(["parent"] * (MAX_DEPTH - 1))


# Views behind the door answer pages, redirects or streamed files.
SpaceView = Callable[..., HttpResponseBase]


class SpaceMoved(Exception):
    """Not an error: tells the view that the space answers at another address."""

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

    @functools.cached_property
    def space_tools(self) -> list[SpaceTool]:
        """For the space menu: the enabled tools this person may open, in order (one query,
        run only when a page shows the menu)."""
        from coopilote.spaces.selectors import enabled_tools

        if not self.can(policies.READ):
            return []
        return [
            tool
            for tool in enabled_tools(self.space)
            if tool_allowed(self, tool.manifest, tool, "read")  # type: ignore[attr-defined]
        ]


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


def roles_of(space: Space, user_ids: list[int]) -> dict[int, Role | None]:
    """Several people's roles in a space loaded with its ancestors, own or inherited (one
    query whatever their number)."""
    ids = [space.pk, *(ancestor.pk for ancestor in space.ancestors())]
    rows: dict[int, dict[int, Role]] = {user_id: {} for user_id in user_ids}
    for user_id, space_id, role in Membership.objects.filter(
        user_id__in=user_ids, space_id__in=ids
    ).values_list("user_id", "space_id", "role"):
        rows[user_id][space_id] = Role(role)
    return {user_id: effective_role(space, found) for user_id, found in rows.items()}


def load_space(slug: str) -> Space:
    space = Space.objects.select_related(ANCESTORS).filter(slug=slug).first()
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


def moved_redirect(request: HttpRequest, space: Space) -> HttpResponse:
    """The same page at the space's current address, query string included."""
    match = request.resolver_match
    assert match is not None
    url = reverse(match.view_name, kwargs={**match.kwargs, "slug": space.slug})
    if request.GET:
        url += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(url)


def _door(resolve: Callable[[HttpRequest, str], Any]) -> Callable[[SpaceView], SpaceView]:
    """Decorator factory shared by space and tool views: ``resolve(request, slug)`` gives the
    access object passed to the view. Anonymous people who may know the space are asked to
    log in rather than refused; a former address redirects to the current one."""

    def decorator(view: SpaceView) -> SpaceView:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponseBase:
            try:
                access = resolve(request, slug)
            except PermissionDenied:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise
            except SpaceMoved as moved:
                return moved_redirect(request, moved.space)
            return view(request, access, **kwargs)

        return wrapped

    return decorator


def with_space(verb: str = policies.READ) -> Callable[[SpaceView], SpaceView]:
    """Decorate a view taking ``(request, access, **kwargs)`` and routed with a ``slug``."""
    return _door(lambda request, slug: space_access(request, slug, verb))


# Tools ----------------------------------------------------------------------------------------


def tool_allowed(access: SpaceAccess, manifest: ToolManifest, tool: SpaceTool, verb: str) -> bool:
    """A tool verb: the space must be readable, then the tool's matrix (narrowed by settings)."""
    if verb not in manifest.verbs:
        raise KeyError(f"Unknown verb {verb!r} for the {manifest.key!r} tool.")
    if not tool.enabled or not access.can(policies.READ):
        return False
    if access.space.status != "open" and verb not in manifest.read_verbs:
        return False
    if access.role is None:
        return verb in manifest.visitor_verbs and verb in manifest.read_verbs
    roles = set(manifest.verbs[verb])
    narrowed = (tool.settings or {}).get("verbs", {}).get(verb)
    if narrowed is not None:
        roles &= {Role(role) for role in narrowed if role in Role.values}
    return access.role in roles


@dataclass
class ToolAccess:
    space_access: SpaceAccess
    tool: SpaceTool
    manifest: ToolManifest

    @property
    def space(self) -> Space:
        return self.space_access.space

    @property
    def user(self) -> Any:
        return self.space_access.user

    def can(self, verb: str) -> bool:
        return tool_allowed(self.space_access, self.manifest, self.tool, verb)

    def require(self, verb: str) -> None:
        if not self.can(verb):
            raise PermissionDenied


def spaces_by_slug(slugs: set[str]) -> dict[str, Space]:
    """Spaces named by address, current or former, loaded with their ancestors (two queries at
    most): what a link written in another space's text points at. Unknown addresses are absent."""
    if not slugs:
        return {}
    found = {
        space.slug: space
        for space in Space.objects.select_related(ANCESTORS).filter(slug__in=slugs)
    }
    moved = slugs - set(found)
    if moved:
        redirects = SlugRedirect.objects.select_related(f"space__{ANCESTORS}")
        for redirect in redirects.filter(slug__in=moved):
            found[redirect.slug] = redirect.space
    return found


def tool_accesses(spaces: list[Space], user: Any, tool_key: str) -> dict[int, ToolAccess]:
    """One person's access to one tool in several spaces loaded with their ancestors, in two
    queries whatever their number (memberships, then the tool rows). Spaces where the tool is
    not enabled are absent; the caller asks each ``ToolAccess`` for the verb it needs."""
    from coopilote.spaces import registry

    manifest = registry.get(tool_key)
    if manifest is None or not spaces:
        return {}
    roles: dict[int, Role] = {}
    if user is not None and user.is_authenticated:
        ids = {space.pk for space in spaces}
        ids.update(ancestor.pk for space in spaces for ancestor in space.ancestors())
        rows = Membership.objects.filter(user=user, space_id__in=ids)
        memberships = {row.space_id: row for row in rows}
        roles = {pk: Role(row.role) for pk, row in memberships.items()}
    else:
        memberships = {}
    tools = {
        tool.space_id: tool
        for tool in SpaceTool.objects.filter(space__in=spaces, tool_key=tool_key, enabled=True)
    }
    found = {}
    for space in spaces:
        tool = tools.get(space.pk)
        if tool is None:
            continue
        own = memberships.get(space.pk)
        if own is not None:
            own.space = space
        access = SpaceAccess(
            space=space, user=user, membership=own, role=effective_role(space, roles)
        )
        found[space.pk] = ToolAccess(space_access=access, tool=tool, manifest=manifest)
    return found


def tool_access(request: HttpRequest, slug: str, tool_key: str, verb: str = "read") -> ToolAccess:
    """Space first (404 for those who may not know it, 403 for those who may not read it), then
    the tool: a disabled or missing tool is a 404 for readers, a verb the role lacks a 403.

    Reading is checked before the tool is looked up, so that outsiders cannot tell which tools
    a members-only space has enabled.
    """
    from coopilote.spaces import registry

    access = space_access(request, slug, policies.READ)
    manifest = registry.get(tool_key)
    tool = SpaceTool.objects.filter(space=access.space, tool_key=tool_key, enabled=True).first()
    if manifest is None or tool is None:
        raise Http404
    result = ToolAccess(space_access=access, tool=tool, manifest=manifest)
    result.require(verb)
    return result


def with_tool(tool_key: str, verb: str = "read") -> Callable[[SpaceView], SpaceView]:
    """Decorate a tool view taking ``(request, tool_access, **kwargs)``."""
    return _door(lambda request, slug: tool_access(request, slug, tool_key, verb))


def tool_access_again(access: ToolAccess, verb: str, *, lock: bool = False) -> ToolAccess:
    """Inside an action's transaction: the actor's rights read again, the tool row locked when
    asked, so that a tool disabled or a role lowered by a concurrent request stops them."""
    tools = SpaceTool.objects.select_for_update() if lock else SpaceTool.objects
    tool = tools.filter(pk=access.tool.pk).first()
    if tool is None or not tool.enabled:
        raise Http404
    fresh = ToolAccess(
        space_access=access_for(access.space, access.user), tool=tool, manifest=access.manifest
    )
    fresh.require(verb)
    return fresh
