"""Tools of a space, for its facilitators: enable, disable, rename and order them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.core.text import clean_plain_text
from coopilote.spaces import actions, policies, registry, selectors
from coopilote.spaces.access import SpaceAccess, with_space
from coopilote.spaces.models import SpaceTool


class ToolTitleForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Name shown in the space"),
        max_length=SpaceTool._meta.get_field("title").max_length,
        help_text=gettext_lazy(
            "For example “Our pads and video rooms”. Plain text; "
            "the tool's address does not change."
        ),
    )

    def clean_title(self) -> str:
        return clean_plain_text(self.cleaned_data["title"])


def _back(access: SpaceAccess, tool_key: str = "") -> HttpResponse:
    url = reverse("spaces:tools", args=[access.space.slug])
    return redirect(f"{url}#outil-{tool_key}" if tool_key else url)


def _page(
    request: HttpRequest, access: SpaceAccess, error: ValidationError | None = None
) -> HttpResponse:
    choices = selectors.tools_overview(access.space)
    return render(
        request,
        "spaces/tools/index.html",
        {
            "access": access,
            "space": access.space,
            "choices": choices,
            "enabled_count": sum(choice.enabled for choice in choices),
            "error": error.messages[0] if error is not None else None,
        },
        status=400 if error is not None else 200,
    )


@with_space(policies.MANAGE_TOOLS)
def tools(request: HttpRequest, access: SpaceAccess) -> HttpResponse:
    return _page(request, access)


@with_space(policies.MANAGE_TOOLS)
@require_POST
def enable(request: HttpRequest, access: SpaceAccess, tool_key: str) -> HttpResponse:
    try:
        tool = actions.space_tool_enable(access=access, tool_key=tool_key)
    except ValidationError as error:
        return _page(request, access, error)
    messages.success(
        request, _("“%(title)s” is enabled: members find it in the menu.") % {"title": tool.title}
    )
    return _back(access, tool_key)


@with_space(policies.MANAGE_TOOLS)
@require_POST
def disable(request: HttpRequest, access: SpaceAccess, tool_key: str) -> HttpResponse:
    try:
        tool = actions.space_tool_disable(access=access, tool_key=tool_key)
    except ValidationError as error:
        return _page(request, access, error)
    messages.success(
        request,
        _("“%(title)s” is disabled: it is hidden, and its content is kept.")
        % {"title": tool.title},
    )
    return _back(access, tool_key)


@with_space(policies.MANAGE_TOOLS)
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, access: SpaceAccess, tool_key: str) -> HttpResponse:
    tool = selectors.space_tool(access.space, tool_key)
    manifest = registry.get(tool_key)
    if tool is None or manifest is None:
        raise Http404
    form = ToolTitleForm(
        request.POST if request.method == "POST" else None, initial={"title": tool.title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            tool = actions.space_tool_rename(
                access=access, tool_key=tool_key, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(
                request, _("The tool is now called “%(title)s”.") % {"title": tool.title}
            )
            return _back(access, tool_key)
    return render(
        request,
        "spaces/tools/rename.html",
        {"access": access, "space": access.space, "tool": tool, "manifest": manifest, "form": form},
        status=400 if form.errors else 200,
    )


@with_space(policies.MANAGE_TOOLS)
@require_POST
def move(request: HttpRequest, access: SpaceAccess, tool_key: str) -> HttpResponse:
    try:
        tool = actions.space_tool_move(
            access=access, tool_key=tool_key, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        return _page(request, access, error)
    messages.success(request, _("“%(title)s” has been moved.") % {"title": tool.title})
    return _back(access, tool_key)
