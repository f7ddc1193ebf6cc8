from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from coopilote.accounts.models import User
from coopilote.mail import actions
from coopilote.mail.models import OutboxMessage
from coopilote.mail.preferences import (
    get_kind,
    kinds,
    preferences_for,
    read_unsubscribe_token,
)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        choices = {
            kind.key: request.POST.get(kind.key) == "on" for kind in kinds() if not kind.essential
        }
        actions.preferences_save(actor=user, choices=choices)
        messages.success(request, _("Your email preferences are saved."))
        return redirect("mail:preferences")
    return render(request, "mail/preferences.html", {"preferences": preferences_for(user)})


@csrf_exempt  # The signed token is the credential; mail clients post RFC 8058 one-click requests.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    parsed = read_unsubscribe_token(token)
    user = User.objects.filter(pk=parsed[0], deleted_at__isnull=True).first() if parsed else None
    if parsed is None or user is None:
        return render(request, "mail/unsubscribe_invalid.html", status=404)
    kind = get_kind(parsed[1])
    if request.method == "POST":
        actions.subscription_set(actor=user, kind=kind.key, subscribed=False)
        return render(request, "mail/unsubscribe_done.html", {"kind": kind})
    return render(request, "mail/unsubscribe_confirm.html", {"kind": kind, "token": token})


def _mailbox_allowed(request: HttpRequest) -> None:
    """The mailbox exists only on the embedded default, and only for staff: 404 for anyone else."""
    if settings.MAIL_TRANSPORT != "mailbox":
        raise Http404
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404


def mailbox(request: HttpRequest) -> HttpResponse:
    if settings.MAIL_TRANSPORT == "mailbox" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _mailbox_allowed(request)
    page = Paginator(
        OutboxMessage.objects.only(
            "id", "created_at", "subject", "to", "status", "kind", "attempts"
        ),
        25,
    ).get_page(request.GET.get("page"))
    return render(request, "mail/mailbox.html", {"page": page})


def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    _mailbox_allowed(request)
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "mail/mailbox_message.html", {"message": message})
