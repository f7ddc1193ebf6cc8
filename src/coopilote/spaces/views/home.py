"""The gare centrale's blocks edited in place, the activity feed, and reading measurement.

The blocks (welcome, start here, message of the moment) are edited in place with htmx when
JavaScript runs: the "Edit" link fetches the block's form, which replaces the block, and the
saved block comes back in its place. Without JavaScript the same addresses answer with whole
pages and redirects. A form with errors answers 400 in both cases (space-home.js lets htmx swap
that answer in, so the errors show where the form was).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopilote.spaces import actions, gare, policies
from coopilote.spaces.access import SpaceAccess, with_space
from coopilote.spaces.forms_home import FeedFilterForm, HomeTextForm, MessageForm
from coopilote.spaces.views.members import describe

# Address part → (field, template). The addresses are French like the others under /s/.
BLOCKS = {
    "bienvenue": "welcome",
    "pour-commencer": "start_here",
    "message": "message",
}
BLOCK_SLUGS = {field: slug for slug, field in BLOCKS.items()}
BLOCK_TITLES = {
    "welcome": gettext_lazy("Welcome"),
    "start_here": gettext_lazy("Start here"),
    "message": gettext_lazy("Message from the facilitators"),
}
BLOCK_HELP = {
    "start_here": gettext_lazy(
        "For newcomers: what this space is for, how you work together, where to begin. "
        "Markdown is accepted; ## starts a heading."
    ),
}
START_HERE_SKELETON = gettext_lazy(
    "## What this space is for\n\n\n\n## How we work\n\n\n\n## Where to begin\n\n"
)
SAVED = {
    "welcome": gettext_lazy("The welcome text is saved."),
    "start_here": gettext_lazy("The “start here” guide is saved."),
    "message": gettext_lazy("The message is saved."),
}
# Kinds whose sentence names the member concerned (see members.describe).
DESCRIBED_PREFIXES = ("spaces.member.", "spaces.join_request.", "spaces.invitation.")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def sentence(entry: gare.FeedEntry) -> str:
    """One translated sentence per event; names are escaped by the template, not here."""
    event = entry.event
    if entry.actor_name is not None and (
        event.kind.startswith(DESCRIBED_PREFIXES) or event.kind == "spaces.space.created"
    ):
        event.subject = entry.subject  # type: ignore[attr-defined]
        # Like the other lines, no full stop: the object's link may follow.
        return describe(event).rstrip(".")
    if entry.actor_name is not None:
        actor = entry.actor_name
    elif event.actor_id is None:
        actor = _("A former member")
    else:
        actor = _("Someone from the space")
    return _("%(actor)s %(action)s") % {"actor": actor, "action": entry.declared.label}


def feed_lines(entries: list[gare.FeedEntry]) -> list[tuple[gare.FeedEntry, str]]:
    return [(entry, sentence(entry)) for entry in entries]


# The activity feed ----------------------------------------------------------------------------


@with_space(policies.READ)
@require_GET
def activity(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """Everything this reader may see of the space's activity, newest first, 30 a page."""
    scope = gare.feed_scope(access)
    member = access.membership is not None
    form = FeedFilterForm(request.GET, tools=scope.tool_choices(), member=member)
    raw_before = request.GET.get("before", "")
    before = gare.Cursor.decode(raw_before) if raw_before else None
    error = None
    if not form.is_valid():
        error = _("This filter does not exist in this space; choose one in the list.")
    elif raw_before and before is None:
        error = _("This page address is damaged; start again from the newest activity.")
    if error:
        return render(
            request,
            "spaces/activity.html",
            {"access": access, "space": access.space, "form": form, "error": error, "lines": []},
            status=400,
        )
    tool = form.cleaned_data["tool"]
    new = bool(form.cleaned_data.get("new"))
    page = gare.feed_page(scope, tool=tool, before=before, since_last_visit=new)
    return render(
        request,
        "spaces/activity.html",
        {
            "access": access,
            "space": access.space,
            "form": form,
            "lines": feed_lines(page.entries),
            "next_cursor": page.next_cursor,
            "first_page": before is None,
            "filtered": bool(tool or new),
            "since": gare.news_since(access.membership) if new else None,
        },
    )


# Blocks of the home page ----------------------------------------------------------------------


def _field(block_slug: str) -> str:
    field = BLOCKS.get(block_slug)
    if field is None:
        raise Http404
    return field


def block_context(access: SpaceAccess, field: str, **extra: Any) -> dict[str, Any]:
    """What a block's template needs (the home page passes the same names)."""
    may_edit = access.can(policies.EDIT)
    context: dict[str, Any] = {
        "access": access,
        "space": access.space,
        "may_edit_home": may_edit,
        # Facilitators write the guide; it opens at the top for the people it is written for.
        "newcomer": not may_edit and gare.is_newcomer(access.membership),
        "message_shown": gare.message_shown(access.space),
        **extra,
    }
    if field == "start_here":
        context["tools"] = access.space_tools
    return context


def tool_news(access: SpaceAccess) -> None:
    """Each tool card of the gare centrale gets ``news``: what its tool says changed lately
    (one query per tool that declares ``home_news``)."""
    from coopilote.spaces.access import ToolAccess

    for tool in access.space_tools:
        reader = tool.manifest.news_reader()  # type: ignore[attr-defined]
        if reader is not None:
            tool_access = ToolAccess(space_access=access, tool=tool, manifest=tool.manifest)  # type: ignore[attr-defined]
            tool.news = reader(tool_access)  # type: ignore[attr-defined]


def _form(field: str, space: Any, data: Any = None) -> HomeTextForm | MessageForm:
    if field == "message":
        initial = {"text": space.message, "until": space.message_until}
        return MessageForm(data, initial=initial, prefix=field)
    text = getattr(space, field)
    if field == "start_here" and not text:
        text = str(START_HERE_SKELETON)
    return HomeTextForm(
        data,
        initial={"text": text},
        prefix=field,
        label=BLOCK_TITLES[field],
        help_text=BLOCK_HELP.get(field),
    )


@with_space(policies.READ)
@require_GET
def home_block(request: HttpRequest, access: SpaceAccess, block: str) -> HttpResponse:
    """One block as shown on the home page (htmx: the "Cancel" of an in-place form)."""
    field = _field(block)
    if not is_htmx(request):
        return redirect(f"{access.space.get_absolute_url()}#bloc-{block}")
    response = render(request, f"spaces/home/{field}.html", block_context(access, field))
    patch_vary_headers(response, ["HX-Request"])
    return response


@with_space(policies.EDIT)
@require_http_methods(["GET", "POST"])
def home_block_edit(request: HttpRequest, access: SpaceAccess, block: str) -> HttpResponse:
    field = _field(block)
    space = access.space
    form = _form(field, space, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.space_home_edit(
                access=access,
                block=field,
                text=form.cleaned_data["text"],
                until=form.cleaned_data.get("until"),
            )
        except ValidationError as error:
            form.add_error("until" if error.code == "until_past" else "text", error)
        else:
            if is_htmx(request):
                response = render(
                    request,
                    f"spaces/home/{field}.html",
                    block_context(access, field, saved=SAVED[field]),
                )
                patch_vary_headers(response, ["HX-Request"])
                return response
            messages.success(request, str(SAVED[field]))
            return redirect(f"{space.get_absolute_url()}#bloc-{block}")
    context = {
        "access": access,
        "space": space,
        "form": form,
        # Not "block": inside {% block %} Django's own "block" variable hides it.
        "block_slug": block,
        "field": field,
        "title": BLOCK_TITLES[field],
        "action": reverse("spaces:home_block_edit", args=[space.slug, block]),
        "cancel": reverse("spaces:home_block", args=[space.slug, block]),
    }
    template = "spaces/home/block_form.html" if is_htmx(request) else "spaces/home/edit.html"
    response = render(request, template, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Reading measurement --------------------------------------------------------------------------


@login_required
@with_space(policies.READ)
@require_POST
def reading_choice(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    """A member refuses, or accepts again, that their reading be measured here."""
    choice = request.POST.get("measure")
    if choice not in ("yes", "no"):
        return HttpResponse(_("Choose yes or no."), status=400, content_type="text/plain")
    actions.membership_set_reading_opt_out(access=access, opt_out=choice == "no")
    if choice == "no":
        messages.success(request, _("Your reading is no longer measured in this space."))
    else:
        messages.success(request, _("Your reading is measured again in this space."))
    if request.POST.get("from") == "card":
        return redirect("spaces:my_card", slug=access.space.slug)
    return redirect(f"{access.space.get_absolute_url()}#lecture")
