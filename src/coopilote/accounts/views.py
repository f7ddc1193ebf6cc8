from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coopilote.accounts import actions, selectors
from coopilote.accounts.forms import DeleteAccountForm, ProfileForm
from coopilote.accounts.models import User


def _current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    prefetch_related_objects([user], "skills", "interests")
    return render(request, "accounts/profile.html", {"profile_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            actions.profile_update(
                actor=user,
                fields=fields,
                skills=form.cleaned_data["skills_text"],
                interests=form.cleaned_data["interests_text"],
                avatar=form.avatar_bytes,
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
            messages.success(request, _("Your profile is saved."))
            response = redirect("accounts:profile")
            # Keep the language cookie in step with the preference, so logging out keeps it.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
        # The form instance was mutated by validation; reload it so the page shows saved data.
        user.refresh_from_db()
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form},
        status=200 if not form.errors else 400,
    )


@login_required
def avatar(request: HttpRequest, user_id: int) -> FileResponse:
    owner = get_object_or_404(User, pk=user_id, deleted_at__isnull=True)
    if not owner.avatar or not default_storage.exists(owner.avatar):
        raise Http404
    response = FileResponse(default_storage.open(owner.avatar, "rb"), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/personal_data.html")


@login_required
def personal_data_download(request: HttpRequest) -> HttpResponse:
    data = selectors.personal_data(_current_user(request))
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="coopilote-personal-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.account_delete(actor=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            return render(request, "accounts/deleted.html")
    status = 400 if form.errors else 200
    blockers = actions.deletion_blockers(user)
    return render(
        request, "accounts/delete.html", {"form": form, "blockers": blockers}, status=status
    )
