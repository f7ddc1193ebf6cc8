"""Invitations: facilitators invite, follow, resend and revoke; invitees open their link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces import actions, handlers, invitation_import, policies, selectors
from coopilote.spaces.access import SpaceAccess, with_space
from coopilote.spaces.actions import InvitationUnusable
from coopilote.spaces.forms_invitations import InviteForm
from coopilote.spaces.models import Invitation
from coopilote.spaces.policies import Role

PAGE_SIZE = 50


# Facilitators -----------------------------------------------------------------------------------


@with_space(policies.INVITE)
def pending(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    page = Paginator(selectors.pending_invitations(access.space), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (invitation, access.may_grant(Role(invitation.role))) for invitation in page.object_list
    ]
    return render(
        request,
        "spaces/invitations/pending.html",
        {"access": access, "space": access.space, "page": page, "rows": rows},
    )


@with_space(policies.INVITE)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """First POST: a preview, nothing sent. Second POST ("send"): checked again, then sent."""
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        roles=access.grantable_roles,
    )
    context: dict[str, Any] = {
        "access": access,
        "space": access.space,
        "form": form,
        "left": actions.invitations_left_today(request.user),  # type: ignore[arg-type]
        "limit": invitation_import.line_limit(),
    }
    if request.method != "POST":
        return render(request, "spaces/invitations/invite.html", context)
    if not form.is_valid() or form.batch is None:
        return render(request, "spaces/invitations/invite.html", context, status=400)
    batch = invitation_import.check_batch(access, form.batch)
    digest = batch.digest(form.cleaned_data["message"])
    context.update(batch=batch, digest=digest)
    step = request.POST.get("step", "preview")
    if step not in ("send", "send_valid"):
        return render(request, "spaces/invitations/invite.html", context)
    error = _send_error(request, batch, digest, only_valid=step == "send_valid")
    if error is None:
        try:
            sent = actions.invitations_send(
                access=access, rows=batch.rows(), message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(sent))
                % {"count": len(sent)},
            )
            return redirect("spaces:invitations", slug=access.space.slug)
    context["send_error"] = error
    return render(request, "spaces/invitations/invite.html", context, status=400)


def _send_error(
    request: HttpRequest, batch: invitation_import.Batch, digest: str, *, only_valid: bool
) -> str | None:
    """Why this list cannot be sent as it stands (None: it can)."""
    if request.POST.get("digest") != digest:
        return _("The list changed since it was checked: look at the check below, then send again.")
    if not batch.valid_lines:
        return _("No line can be sent; correct them first.")
    if batch.invalid_lines and not only_valid:
        return _("Some lines cannot be sent: correct them, or send only the valid lines.")
    return None


@with_space(policies.INVITE)
@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest, access: SpaceAccess, invitation_id: int) -> HttpResponse:
    return _invitation_step(
        request,
        access,
        invitation_id,
        act=actions.invitation_resend,
        template="spaces/invitations/resend.html",
        done=_("A new invitation was sent to %(email)s; the previous link no longer works."),
    )


@with_space(policies.INVITE)
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, access: SpaceAccess, invitation_id: int) -> HttpResponse:
    return _invitation_step(
        request,
        access,
        invitation_id,
        act=actions.invitation_revoke,
        template="spaces/invitations/revoke.html",
        done=_("The invitation to %(email)s is revoked; its link no longer works."),
    )


def _invitation_step(
    request: HttpRequest,
    access: SpaceAccess,
    invitation_id: int,
    *,
    act: Callable[..., Invitation],
    template: str,
    done: str,
) -> HttpResponse:
    """A confirmation page (GET), then the step itself (POST)."""
    invitation = selectors.pending_invitations(access.space).filter(pk=invitation_id).first()
    error = None
    if invitation is None:
        error = _("This invitation was already answered or revoked.")
    elif not access.may_grant(Role(invitation.role)):
        raise PermissionDenied
    elif request.method == "POST":
        try:
            act(access=access, invitation_id=invitation.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done % {"email": invitation.email})
            return redirect("spaces:invitations", slug=access.space.slug)
    status = 200
    if error:
        status = 400 if request.method == "POST" else 404
    return render(
        request,
        template,
        {"access": access, "space": access.space, "invitation": invitation, "error": error},
        status=status,
    )


# Invitees ---------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page the mail links to, for people with or without an account."""
    try:
        invitation = actions.invitation_by_token(token)
    except InvitationUnusable as unusable:
        accepted = unusable.invitation
        if (
            unusable.reason == "used"
            and accepted is not None
            and request.user.is_authenticated
            and accepted.accepted_by_id == request.user.pk
        ):
            # Back from signing up (or a second click on the link): they are in.
            _welcome(request, accepted)
            return redirect(accepted.space)
        return _unusable(request, unusable)
    user: Any = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        # Signing up with this address from here needs no confirmation mail: the link proved it,
        # and accept_invitation_after_signup makes the new account a member at once.
        request.session[handlers.SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        here = request.get_full_path()
        return render(
            request,
            "spaces/invitations/open.html",
            {
                "invitation": invitation,
                "signup_url": reverse("account_signup")
                + "?"
                + urlencode({"email": invitation.email, "next": here}),
                "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
            },
        )
    request.session.pop(handlers.SESSION_KEY, None)
    owns = actions.user_owns_address(user, invitation.email)
    if request.method == "POST":
        return _answer(request, invitation)
    return render(
        request,
        "spaces/invitations/open.html",
        {"invitation": invitation, "owns_address": owns},
        status=200 if owns else 403,
    )


@login_required
@require_POST
def answer_listed(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline from the home page's list of invitations."""
    try:
        invitation = actions.invitation_for_user(request.user, invitation_id)  # type: ignore[arg-type]
    except InvitationUnusable as unusable:
        return _unusable(request, unusable)
    return _answer(request, invitation)


def _answer(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user: Any = request.user
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        return render(
            request,
            "spaces/invitations/open.html",
            {
                "invitation": invitation,
                "owns_address": True,
                "error": _("Choose whether you accept or decline the invitation."),
            },
            status=400,
        )
    try:
        if answer == "decline":
            actions.invitation_decline(actor=user, invitation=invitation)
        else:
            actions.invitation_accept(actor=user, invitation=invitation)
    except InvitationUnusable as unusable:
        return _unusable(request, unusable)
    except ValidationError as exc:
        # Already a member (joined another way meanwhile): the space is where they want to be.
        messages.info(request, " ".join(exc.messages))
        return redirect(invitation.space)
    if answer == "decline":
        messages.success(
            request,
            _("You declined the invitation to “%(space)s”.") % {"space": invitation.space.name},
        )
        return redirect("home")
    _welcome(request, invitation)
    return redirect(invitation.space)


def _welcome(request: HttpRequest, invitation: Invitation) -> None:
    messages.success(
        request,
        _("Welcome to “%(space)s”! You are now %(role)s.")
        % {"space": invitation.space.name, "role": Role(invitation.role).label},
    )


def _unusable(request: HttpRequest, unusable: InvitationUnusable) -> HttpResponse:
    invitation = unusable.invitation
    reason = unusable.reason
    inviter = ""
    if invitation is not None and invitation.invited_by is not None:
        inviter = invitation.invited_by.public_name
    context = {"reason": reason, "invitation": invitation, "inviter": inviter}
    status = {"unknown": 404, "other_address": 403}.get(reason, 410)
    return render(request, "spaces/invitations/unusable.html", context, status=status)
