"""Page templates: contributors choose one to start a page; facilitators write the space's own,
rewrite, hide and reset the built-in ones (``page_templates``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.wiki import actions, page_templates
from coopilote.tools.wiki.forms import TemplateForm
from coopilote.tools.wiki.manifest import EDIT, KEY, MANAGE
from coopilote.tools.wiki.views import _context, _refused


def _list_url(access: ToolAccess) -> str:
    return reverse(f"{KEY}:templates", args=[access.space.slug])


@with_tool(KEY, EDIT)
@require_http_methods(["GET"])
def templates(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "wiki/templates.html",
        _context(
            access,
            templates=page_templates.space_templates(access.space),
            hidden=page_templates.space_templates(access.space, hidden=True)
            if access.can(MANAGE)
            else [],
        ),
    )


def _form_page(
    request: HttpRequest, access: ToolAccess, template: page_templates.Template | None
) -> HttpResponse:
    ref = template.ref if template is not None else None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                saved = actions.template_save(access=access, ref=ref, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("The template “%(name)s” is saved.") % {"name": saved.name}
                )
                return redirect(_list_url(access))
    else:
        initial = {}
        if template is not None:
            initial = {
                "name": template.name,
                "description": template.description,
                "title": template.title,
                "body": template.body,
            }
        form = TemplateForm(initial=initial)
    return render(
        request,
        "wiki/template_form.html",
        _context(access, form=form, template=template),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return _form_page(request, access, None)


def _template(access: ToolAccess, ref: str) -> page_templates.Template:
    found = page_templates.find(access.space, ref)
    if found is None:
        raise Http404
    return found


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, access: ToolAccess, ref: str) -> HttpResponse:
    return _form_page(request, access, _template(access, ref))


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def template_remove(request: HttpRequest, access: ToolAccess, ref: str) -> HttpResponse:
    template = _template(access, ref)
    if request.method == "POST":
        actions.template_remove(access=access, ref=ref)
        messages.success(
            request, _("The template “%(name)s” is removed.") % {"name": template.name}
        )
        return redirect(_list_url(access))
    return render(request, "wiki/template_remove.html", _context(access, template=template))


@with_tool(KEY, MANAGE)
@require_POST
def template_reset(request: HttpRequest, access: ToolAccess, ref: str) -> HttpResponse:
    builtin = page_templates.builtin(ref)
    if builtin is None:
        raise Http404
    actions.template_reset(access=access, ref=ref)
    messages.success(
        request,
        _("The template “%(name)s” is back as it comes.") % {"name": builtin.name},
    )
    return redirect(_list_url(access))
