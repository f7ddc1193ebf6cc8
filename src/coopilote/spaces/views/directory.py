"""Member directory ("qui sait quoi"): who is in the space, what they know, whom they represent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coopilote.spaces import actions, policies, selectors
from coopilote.spaces.access import SpaceAccess, with_space
from coopilote.spaces.forms_directory import DirectoryFilterForm, RepresentsForm


@with_space(policies.SEE_DIRECTORY)
@require_GET
def directory(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    choices = selectors.directory_choices(access.space)
    form = DirectoryFilterForm(request.GET, choices=choices)
    page = None
    filters = None
    if form.is_valid():
        filters = form.filters()
        page = selectors.directory_page(access.space, filters, request.GET.get("page"))
    return render(
        request,
        "spaces/directory/directory.html",
        {
            "access": access,
            "space": access.space,
            "form": form,
            "filters": filters,
            "page": page,
        },
        status=400 if form.errors else 200,
    )


@with_space(policies.SEE_DIRECTORY)
@require_GET
def member(request: HttpRequest, access: SpaceAccess, user_id: int) -> HttpResponse:
    membership = selectors.directory_member(access.space, user_id)
    if membership is None:
        raise Http404
    return render(
        request,
        "spaces/directory/member.html",
        {
            "access": access,
            "space": access.space,
            "membership": membership,
            "person": membership.user,
            "shared_spaces": selectors.shared_spaces(access, membership.user),
        },
    )


@login_required
@with_space(policies.READ)
@require_http_methods(["GET", "POST"])
def my_card(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """A member says which organisation they speak for here; the rest is their profile."""
    if access.membership is None:
        # Facilitators of a parent space manage this one but have no card in it.
        raise PermissionDenied
    if request.method == "POST" and not access.space.is_open:
        raise PermissionDenied
    form = RepresentsForm(
        request.POST or None, initial={"represents": access.membership.represents}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.membership_set_represents(
                access=access, represents=form.cleaned_data["represents"]
            )
        except ValidationError as error:
            form.add_error("represents", error)
        else:
            messages.success(request, _("Your card in this space is saved."))
            if access.can(policies.SEE_DIRECTORY):
                return redirect("spaces:member", slug=access.space.slug, user_id=access.user.pk)
            return redirect("spaces:my_card", slug=access.space.slug)
    return render(
        request,
        "spaces/directory/my_card.html",
        {"access": access, "space": access.space, "form": form},
        status=400 if form.errors else 200,
    )
