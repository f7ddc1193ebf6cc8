from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from coopilote.accounts.models import User
from coopilote.spaces import actions, policies, selectors
from coopilote.spaces.access import SpaceAccess, with_space
from coopilote.spaces.forms import SpaceCreateForm, SpaceEditForm, SpaceSettingsForm
from coopilote.spaces.models import Status

HOME_PAGE_SIZE = 24


def _current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def home(request: HttpRequest) -> HttpResponse:
    """Public spaces for everyone; a logged-in person's own spaces and invitations first."""
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.listed_spaces(query), HOME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "spaces/home.html",
        {
            "query": query,
            "page": page,
            "memberships": selectors.my_memberships(request.user),
            "invitations": selectors.invitations_for(request.user),
            "may_create": actions.may_create_spaces(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not actions.may_create_spaces(request.user):
        raise PermissionDenied
    parents = selectors.parent_choices(request.user)
    initial = {}
    if parent_slug := request.GET.get("parent"):
        initial["parent"] = parents.filter(slug=parent_slug).first()
    data = request.POST if request.method == "POST" else None
    form = SpaceCreateForm(data, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            space = actions.space_create(actor=_current_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The space “%(name)s” is open. Invite its members.") % {"name": space.name},
            )
            return redirect(space)
    return render(request, "spaces/create.html", {"form": form}, status=400 if form.errors else 200)


@with_space(policies.SEE_CARD)
def detail(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """The gare centrale: the one entry point to what the group does and where it does it.

    Readers get the welcome, the "start here" guide (unfolded at the top for newcomers), the
    facilitators' message, the tools with what each is for, recent activity, newest members
    and sub-spaces; people who may not read the space get its card and how to join.
    """
    from coopilote.spaces import gare
    from coopilote.spaces.views.home import block_context, feed_lines, tool_news

    context = {
        "access": access,
        "space": access.space,
        "join_request": selectors.pending_join_request(access),
    }
    if access.can(policies.READ):
        # Before anything is counted: a new visit moves "new since your last visit" on.
        actions.membership_seen(access=access)
        scope = gare.feed_scope(access)
        context.update(
            block_context(access, "start_here"),
            children=selectors.visible_children(access),
            recent=feed_lines(gare.feed_page(scope, size=gare.HOME_SIZE).entries),
            new_count=gare.new_count(scope),
            new_cap=gare.NEW_CAP,
            news_since=gare.news_since(access.membership),
            newest_members=gare.newest_members(access),
        )
        tool_news(access)
    if access.can(policies.MANAGE_MEMBERS):
        context["pending_requests"] = selectors.pending_join_requests(access.space).count()
        context["pending_invitations"] = selectors.pending_invitations(access.space).count()
    return render(request, "spaces/detail.html", context)


@with_space(policies.EDIT)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    space = access.space
    form = SpaceEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": space.name,
            "kind": space.kind,
            "field": space.field,
            "description": space.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.space_edit(access=access, **form.cleaned_data)
        messages.success(request, _("The space is saved."))
        return redirect(space)
    return render(
        request,
        "spaces/edit.html",
        {"form": form, "access": access, "space": space},
        status=400 if form.errors else 200,
    )


@with_space(policies.SET_STATUS)
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """Owners' settings; once archived or closed, only the status can change (the page stays)."""
    space = access.space
    if request.method == "POST":
        access.require(policies.CONFIGURE)
    form = SpaceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "slug": space.slug,
            "visibility": space.visibility,
            "directory_visibility": space.directory_visibility,
            "reading_measurement": space.reading_measurement,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.space_configure(access=access, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("spaces:settings", slug=space.slug)
    return render(
        request,
        "spaces/settings.html",
        {
            "form": form if access.can(policies.CONFIGURE) else None,
            "access": access,
            "space": space,
            "statuses": Status,
        },
        status=400 if form.errors else 200,
    )


STATUS_MESSAGES = {
    Status.OPEN: gettext_lazy("The space is open again."),
    Status.ARCHIVED: gettext_lazy(
        "The space is archived: it stays readable, nobody can change it."
    ),
    Status.CLOSED: gettext_lazy("The space is closed: only its owners can still see it."),
}


@with_space(policies.SET_STATUS)
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, access: SpaceAccess, status: str) -> HttpResponse:
    """Archive, close or reopen, after a confirmation page."""
    if status not in Status.values:
        raise Http404
    wanted = Status(status)
    if request.method == "POST":
        actions.space_set_status(access=access, status=wanted)
        messages.success(request, str(STATUS_MESSAGES[wanted]))
        return redirect(access.space)
    return render(
        request,
        "spaces/status_confirm.html",
        {"access": access, "space": access.space, "status": wanted},
    )


@with_space(policies.LEAVE)
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    if access.membership is None:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            actions.membership_leave(access=access)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("You left “%(name)s”.") % {"name": access.space.name})
            return redirect("home")
    return render(
        request,
        "spaces/leave.html",
        {"access": access, "space": access.space, "error": error},
        status=400 if error else 200,
    )
