from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.external import actions, selectors
from coopilote.tools.external.forms import ExternalToolForm
from coopilote.tools.external.manifest import KEY, MANAGE
from coopilote.tools.external.models import ExternalTool


def _context(access: ToolAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access.space_access,
        "space": access.space,
        "tool": access.tool,
        "may_manage": access.can(MANAGE),
        **extra,
    }


def _index_url(access: ToolAccess, card: ExternalTool | None = None) -> str:
    url = reverse(f"{KEY}:index", args=[access.space.slug])
    return f"{url}#outil-{card.pk}" if card is not None else url


def _card(access: ToolAccess, tool_id: int) -> ExternalTool:
    card = selectors.external_tool(access.space, tool_id)
    if card is None:
        raise Http404
    return card


@with_tool(KEY, "read")
def index(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    """The cards; who to ask is shown to members only (visitors of a public space see the rest)."""
    return render(
        request,
        "external/index.html",
        _context(
            access,
            cards=selectors.external_tools(access.space),
            show_contacts=access.space_access.role is not None,
        ),
    )


def _form_page(request: HttpRequest, access: ToolAccess, card: ExternalTool | None) -> HttpResponse:
    contacts = list(selectors.help_contact_choices(access.space))
    initial = {}
    if card is not None:
        initial = {
            "name": card.name,
            "url": card.url,
            "category": card.category,
            "purpose": card.purpose,
            "agreed_uses": card.agreed_uses,
            "avoid": card.avoid,
            "help_contact": card.help_contact_id,
            "help_text": card.help_text,
        }
    form = ExternalToolForm(
        request.POST if request.method == "POST" else None, initial=initial, contacts=contacts
    )
    if request.method == "POST" and form.is_valid():
        try:
            if card is None:
                card = actions.external_tool_add(access=access, **form.cleaned_data)
                messages.success(request, _("“%(name)s” is added.") % {"name": card.name})
            else:
                card = actions.external_tool_edit(
                    access=access, tool_id=card.pk, **form.cleaned_data
                )
                messages.success(request, _("“%(name)s” is saved.") % {"name": card.name})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_index_url(access, card))
    return render(
        request,
        "external/form.html",
        _context(access, form=form, card=card),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return _form_page(request, access, None)


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, access: ToolAccess, tool_id: int) -> HttpResponse:
    return _form_page(request, access, _card(access, tool_id))


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, access: ToolAccess, tool_id: int) -> HttpResponse:
    card = _card(access, tool_id)
    if request.method == "POST":
        actions.external_tool_remove(access=access, tool_id=card.pk)
        messages.success(request, _("“%(name)s” is removed.") % {"name": card.name})
        return redirect(_index_url(access))
    return render(request, "external/delete.html", _context(access, card=card))


@with_tool(KEY, MANAGE)
@require_POST
def move(request: HttpRequest, access: ToolAccess, tool_id: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    if direction not in (actions.UP, actions.DOWN):
        return HttpResponse(_("Unknown direction."), status=400, content_type="text/plain")
    card = actions.external_tool_move(access=access, tool_id=tool_id, direction=direction)
    messages.success(request, _("“%(name)s” has been moved.") % {"name": card.name})
    return redirect(_index_url(access, card))


@with_tool(KEY, "read")
@require_http_methods(["GET"])
def open_tool(request: HttpRequest, access: ToolAccess, tool_id: int) -> HttpResponse:
    """Count the view, then send the reader to the stored address (never one from the request)."""
    url = actions.external_tool_open(access=access, tool_id=tool_id)
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
