"""Joining a space, answering requests to join, and managing members' roles.

Every view needs a logged-in person: anonymous visitors are sent to the login page whatever
the space, so that the answer says nothing about whether a secret space exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopilote.spaces import actions, policies, selectors
from coopilote.spaces.access import SpaceAccess, access_for, with_space
from coopilote.spaces.forms_members import (
    JoinDecisionForm,
    JoinRequestForm,
    MemberSearchForm,
    RoleForm,
)
from coopilote.spaces.models import JoinRequestStatus, Membership, Status
from coopilote.spaces.policies import Role

PAGE_SIZE = 50


# Joining --------------------------------------------------------------------------------------


def _join_refusal(access: SpaceAccess) -> str:
    if access.space.status != Status.OPEN:
        return _("This space is archived: it does not take new members.")
    if access.role is not None:
        return _(
            "You already manage this space from its parent space. To become one of its "
            "members, ask another facilitator to invite you."
        )
    return _("This space does not take requests to join.")


@login_required
@with_space(policies.SEE_CARD)
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    space = access.space
    if access.is_member:
        messages.info(request, _("You are already a member of this space."))
        return redirect(space)
    if selectors.pending_join_request(access) is not None:
        messages.info(
            request,
            _("You already asked to join this space; the facilitators will answer soon."),
        )
        return redirect(space)
    context: dict[str, Any] = {"access": access, "space": space}
    if not access.can(policies.ASK_TO_JOIN):
        context["refusal"] = _join_refusal(access)
        return render(request, "spaces/members/join.html", context, status=403)
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.join_request_create(access=access, message=form.cleaned_data["message"])
        except ValidationError as error:
            # A membership or a request that appeared since the page was shown.
            messages.info(request, error.messages[0])
            return redirect(space)
        messages.success(
            request,
            _("Your request is sent. The facilitators of “%(name)s” will answer you by email.")
            % {"name": space.name},
        )
        return redirect(space)
    context["form"] = form
    return render(request, "spaces/members/join.html", context, status=400 if form.errors else 200)


@login_required
@with_space(policies.SEE_CARD)
@require_POST
def withdraw(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    if actions.join_request_withdraw(access=access):
        messages.success(request, _("Your request to join is withdrawn."))
    else:
        messages.info(request, _("You have no pending request to join this space."))
    return redirect(access.space)


# Requests to join -----------------------------------------------------------------------------


def _decision_prefix(request_id: int) -> str:
    return f"request-{request_id}"


def _requests_page(
    request: HttpRequest,
    access: SpaceAccess,
    *,
    failed: JoinDecisionForm | None = None,
    failed_id: int | None = None,
) -> HttpResponse:
    page = Paginator(selectors.pending_join_requests(access.space), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    roles = access.grantable_roles
    rows = [
        (
            join_request,
            failed
            if failed is not None and join_request.pk == failed_id
            else JoinDecisionForm(roles=roles, prefix=_decision_prefix(join_request.pk)),
        )
        for join_request in page
    ]
    return render(
        request,
        "spaces/members/join_requests.html",
        {"access": access, "space": access.space, "page": page, "rows": rows},
        status=400 if failed is not None else 200,
    )


@login_required
@with_space(policies.MANAGE_MEMBERS)
@require_GET
def join_requests(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    return _requests_page(request, access)


@login_required
@with_space(policies.MANAGE_MEMBERS)
@require_POST
def join_request_decide(request: HttpRequest, access: SpaceAccess, request_id: int) -> HttpResponse:
    join_request = selectors.space_join_request(access.space, request_id)
    if join_request is None:
        raise Http404
    if join_request.status != JoinRequestStatus.PENDING:
        messages.warning(request, _("This request was already answered or withdrawn."))
        return redirect("spaces:join_requests", slug=access.space.slug)
    form = JoinDecisionForm(
        request.POST, roles=access.grantable_roles, prefix=_decision_prefix(request_id)
    )
    if not form.is_valid():
        return _requests_page(request, access, failed=form, failed_id=request_id)
    try:
        actions.join_request_decide(
            access=access,
            join_request_id=request_id,
            accept=form.accept,
            reason=form.cleaned_data["reason"],
            role=form.role,
        )
    except ValidationError as error:
        messages.warning(request, error.messages[0])
        return redirect("spaces:join_requests", slug=access.space.slug)
    name = join_request.user.public_name
    if form.accept:
        messages.success(
            request,
            _("%(name)s is now %(role)s of the space; they are told by email.")
            % {"name": name, "role": Role(form.role).label},
        )
    else:
        messages.success(
            request,
            _("The request of %(name)s is refused; they are told by email.") % {"name": name},
        )
    return redirect("spaces:join_requests", slug=access.space.slug)


# Managing members -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    editable: bool
    removable: bool
    is_self: bool


def _offered_roles(access: SpaceAccess) -> list[Role]:
    """Roles the actor may give; in an archived space, owners may only make owners."""
    return [role for role in Role if any(actions.may_change_role(access, r, role) for r in Role)]


def _may_touch(access: SpaceAccess, current: Role) -> bool:
    return any(actions.may_change_role(access, current, role) for role in Role if role != current)


@login_required
@with_space(policies.SEE_CARD)
@require_GET
def manage(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    access.require(actions.role_change_verb(access))
    space = access.space
    search = MemberSearchForm(request.GET)
    filters = search.filters()
    page = Paginator(selectors.members_for_management(space, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        MemberRow(
            membership=membership,
            editable=_may_touch(access, Role(membership.role)),
            removable=access.may_grant(Role(membership.role)),
            is_self=membership.user_id == request.user.pk,
        )
        for membership in page
    ]
    return render(
        request,
        "spaces/members/manage.html",
        {
            "access": access,
            "space": space,
            "search": search,
            "filtered": any(filters.values()),
            "page": page,
            "rows": rows,
            "grantable_roles": _offered_roles(access),
            # Archived: the list is read-only but for handing ownership over.
            "frozen": not access.can(policies.MANAGE_MEMBERS),
            "pending_requests": selectors.pending_join_requests(space).count(),
            "pending_invitations": selectors.pending_invitations(space).count(),
        },
    )


def _managed_membership(
    access: SpaceAccess, membership_id: int, *, removal: bool = False
) -> Membership:
    membership = selectors.space_membership(access.space, membership_id)
    if membership is None:
        raise Http404
    current = Role(membership.role)
    # Facilitators do not touch owners; only owners do.
    if not (access.may_grant(current) if removal else _may_touch(access, current)):
        raise PermissionDenied
    return membership


def _after_change(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """Back to the member list, unless the person just gave away the right to see it."""
    fresh = access_for(access.space, request.user)
    if fresh.can(actions.role_change_verb(fresh)):
        return redirect("spaces:manage_members", slug=access.space.slug)
    return redirect(access.space)


@login_required
@with_space(policies.SEE_CARD)
@require_http_methods(["GET", "POST"])
def change_role(request: HttpRequest, access: SpaceAccess, membership_id: int) -> HttpResponse:
    """Change at once, except a step down for oneself or an owner, which is confirmed first."""
    access.require(actions.role_change_verb(access))
    membership = _managed_membership(access, membership_id)
    current = Role(membership.role)
    form = RoleForm(
        request.POST if request.method == "POST" else None,
        roles=_offered_roles(access),
        initial={"role": current.value},
    )
    context: dict[str, Any] = {
        "access": access,
        "space": access.space,
        "membership": membership,
        "form": form,
        "is_self": membership.user_id == request.user.pk,
    }
    if request.method == "GET" or not form.is_valid():
        return render(
            request,
            "spaces/members/change_role.html",
            context,
            status=400 if form.errors else 200,
        )
    wanted = Role(form.cleaned_data["role"])
    if wanted != current and not actions.may_change_role(access, current, wanted):
        raise PermissionDenied
    name = membership.user.public_name
    if wanted == current:
        messages.info(
            request, _("%(name)s is already %(role)s.") % {"name": name, "role": current.label}
        )
        return redirect("spaces:manage_members", slug=access.space.slug)
    step_down = wanted.rank < current.rank and (context["is_self"] or current == Role.OWNER)
    context["wanted"] = wanted
    if step_down and not form.cleaned_data["confirm"]:
        return render(request, "spaces/members/change_role_confirm.html", context)
    try:
        actions.membership_change_role(
            access=access, membership_id=membership.pk, role=wanted.value
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        context["error"] = error.messages[0]
        return render(request, "spaces/members/change_role_confirm.html", context, status=400)
    if context["is_self"]:
        messages.success(request, _("You are now %(role)s.") % {"role": wanted.label})
    else:
        messages.success(
            request, _("%(name)s is now %(role)s.") % {"name": name, "role": wanted.label}
        )
    return _after_change(request, access)


@login_required
@with_space(policies.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, access: SpaceAccess, membership_id: int) -> HttpResponse:
    membership = _managed_membership(access, membership_id, removal=True)
    if membership.user_id == request.user.pk:
        # Leaving has its own page and words; nobody is "removed" by themselves.
        return redirect("spaces:leave", slug=access.space.slug)
    context: dict[str, Any] = {"access": access, "space": access.space, "membership": membership}
    if request.method == "POST":
        try:
            actions.membership_remove(access=access, membership_id=membership.pk)
        except Membership.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            context["error"] = error.messages[0]
            return render(request, "spaces/members/remove.html", context, status=400)
        messages.success(
            request,
            _("%(name)s is no longer a member of the space; they are told by email.")
            % {"name": membership.user.public_name},
        )
        return redirect("spaces:manage_members", slug=access.space.slug)
    return render(request, "spaces/members/remove.html", context)


# Membership log -------------------------------------------------------------------------------


def _name(person: Any) -> str:
    return str(person.public_name) if person is not None else _("a former member")


def _role(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else _("an unknown role")


def describe(event: Any) -> str:
    """One plain sentence per step (names are escaped by the template, not here)."""
    kind = event.kind.removeprefix("spaces.")
    payload = event.payload or {}
    params = {
        "actor": _name(event.actor),
        "subject": _name(getattr(event, "subject", None)),
        "role": _role(payload.get("role")),
        "previous": _role(payload.get("previous")),
    }
    if kind == "space.created":
        return _("%(actor)s opened the space and became its owner.") % params
    if kind == "member.joined":
        if payload.get("how") == "request":
            return _("%(actor)s accepted the request of %(subject)s, now %(role)s.") % params
        if payload.get("how") == "invitation":
            return _("%(subject)s accepted an invitation and joined as %(role)s.") % params
        return _("%(subject)s joined as %(role)s.") % params
    if kind == "member.role_changed":
        if event.actor_id is not None and event.actor_id == payload.get("user"):
            return _("%(actor)s changed their own role from %(previous)s to %(role)s.") % params
        return (
            _("%(actor)s changed the role of %(subject)s from %(previous)s to %(role)s.") % params
        )
    if kind == "member.removed":
        return _("%(actor)s removed %(subject)s (%(role)s) from the space.") % params
    if kind == "member.left":
        return _("%(subject)s left the space.") % params
    if kind == "join_request.created":
        return _("%(actor)s asked to join the space.") % params
    if kind == "join_request.refused":
        return _("%(actor)s refused the request of %(subject)s.") % params
    if kind == "join_request.withdrawn":
        return _("%(actor)s withdrew their request to join.") % params
    if kind == "invitation.sent":
        count = int(payload.get("count") or 0)
        return ngettext(
            "%(actor)s sent %(count)d invitation.", "%(actor)s sent %(count)d invitations.", count
        ) % {**params, "count": count}
    if kind == "invitation.resent":
        return _("%(actor)s sent an invitation again.") % params
    if kind == "invitation.revoked":
        return _("%(actor)s revoked an invitation.") % params
    if kind == "invitation.declined":
        return _("%(actor)s declined an invitation.") % params
    return _("%(actor)s: %(kind)s.") % {**params, "kind": kind}


@login_required
@with_space(policies.SEE_CARD)
@require_GET
def log(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    access.require(actions.role_change_verb(access))
    page = Paginator(selectors.membership_events(access.space), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events = selectors.membership_log(access.space, events=page.object_list)
    entries = [(event, describe(event)) for event in events]
    return render(
        request,
        "spaces/members/log.html",
        {"access": access, "space": access.space, "page": page, "entries": entries},
    )
