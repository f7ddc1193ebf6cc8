"""Every write to external tools.

Each action checks the tool's ``manage`` verb through a ``ToolAccess`` (so an archived space, a
disabled tool or a lowered role refuses), validates, writes in one transaction that starts by
locking the space's tool row (two reorders cannot interleave), and records one activity event of
a kind declared in the manifest.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from coopilote.activity.recording import record, record_view
from coopilote.core.text import clean_plain_text, clean_web_address
from coopilote.spaces.access import ToolAccess, tool_access_again
from coopilote.spaces.models import Membership
from coopilote.tools.external.manifest import MANAGE, MANIFEST
from coopilote.tools.external.models import (
    AGREEMENT_MAX,
    HELP_TEXT_MAX,
    NAME_MAX,
    PURPOSE_MAX,
    URL_MAX,
    Category,
    ExternalTool,
)

TEXT_LIMITS = {
    "name": NAME_MAX,
    "purpose": PURPOSE_MAX,
    "agreed_uses": AGREEMENT_MAX,
    "avoid": AGREEMENT_MAX,
    "help_text": HELP_TEXT_MAX,
}
UP, DOWN = "up", "down"


def _event(access: ToolAccess, kind: str, target: ExternalTool, **payload: Any) -> None:
    declared = MANIFEST.kind(kind)  # an undeclared kind is a programming error: KeyError
    record(
        space=access.space,
        actor=access.user,
        kind=declared.key,
        participation=declared.participation,
        target=target,
        payload=payload,
    )


def _lock(access: ToolAccess) -> ToolAccess:
    """Lock the space's tool row and read the actor's rights again under the lock."""
    return tool_access_again(access, MANAGE, lock=True)


def _tool(access: ToolAccess, tool_id: int) -> ExternalTool:
    tool = ExternalTool.objects.filter(pk=tool_id, space=access.space).first()
    if tool is None:
        raise Http404
    return tool


# Validation -----------------------------------------------------------------------------------


def clean_url(value: str) -> str:
    """A web address people can open safely (``core.text.clean_web_address``)."""
    return clean_web_address(
        value,
        max_length=URL_MAX,
        required=_("Give the address of the tool."),
        example="https://pad.example.org/our-pad",
    )


def clean_text(value: str, max_length: int) -> str:
    value = clean_plain_text(value or "")
    if len(value) > max_length:
        raise ValidationError(
            _("%(max)d characters at most (this text has %(count)d).")
            % {"max": max_length, "count": len(value)},
            code="max_length",
        )
    return value


def clean_fields(
    access: ToolAccess,
    *,
    name: str,
    url: str,
    category: str,
    purpose: str = "",
    agreed_uses: str = "",
    avoid: str = "",
    help_contact: int | Membership | None = None,
    help_text: str = "",
) -> dict[str, Any]:
    """Every field checked, every problem reported at once (field name → messages)."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    texts = {
        "name": name,
        "purpose": purpose,
        "agreed_uses": agreed_uses,
        "avoid": avoid,
        "help_text": help_text,
    }
    for field, value in texts.items():
        try:
            cleaned[field] = clean_text(value, TEXT_LIMITS[field])
        except ValidationError as error:
            errors[field] = [error]
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [ValidationError(_("Give the tool a name."), code="required")]
    try:
        cleaned["url"] = clean_url(url)
    except ValidationError as error:
        errors["url"] = [error]
    if category not in Category.values:
        errors["category"] = [ValidationError(_("Choose a kind of tool."), code="invalid")]
    cleaned["category"] = category
    contact_id = help_contact.pk if isinstance(help_contact, Membership) else help_contact
    cleaned["help_contact"] = None
    if contact_id:
        contact = Membership.objects.filter(pk=contact_id, space=access.space).first()
        if contact is None:
            errors["help_contact"] = [
                ValidationError(
                    _("This person is not a member of the space any more."), code="not_member"
                )
            ]
        cleaned["help_contact"] = contact
    if errors:
        raise ValidationError(errors)
    return cleaned


# Actions --------------------------------------------------------------------------------------


def external_tool_add(*, access: ToolAccess, **fields: Any) -> ExternalTool:
    access.require(MANAGE)
    cleaned = clean_fields(access, **fields)
    with transaction.atomic():
        access = _lock(access)
        last = ExternalTool.objects.filter(space=access.space).aggregate(last=Max("position"))
        tool = ExternalTool.objects.create(
            space=access.space,
            created_by=access.user,
            position=(last["last"] or 0) + 1,
            **cleaned,
        )
        _event(access, "external.tool.added", tool, name=tool.name)
    return tool


def external_tool_edit(*, access: ToolAccess, tool_id: int, **fields: Any) -> ExternalTool:
    access.require(MANAGE)
    cleaned = clean_fields(access, **fields)
    with transaction.atomic():
        access = _lock(access)
        tool = _tool(access, tool_id)
        changed = [field for field, value in cleaned.items() if getattr(tool, field) != value]
        if not changed:
            return tool
        for field in changed:
            setattr(tool, field, cleaned[field])
        tool.save(update_fields=[*changed, "updated_at"])
        _event(access, "external.tool.edited", tool, name=tool.name, fields=sorted(changed))
    return tool


def external_tool_remove(*, access: ToolAccess, tool_id: int) -> ExternalTool:
    access.require(MANAGE)
    with transaction.atomic():
        access = _lock(access)
        tool = _tool(access, tool_id)
        # The event keeps the removed card's id as its target, so it is written first.
        _event(access, "external.tool.removed", tool, name=tool.name)
        tool.delete()
    return tool


def external_tool_move(*, access: ToolAccess, tool_id: int, direction: str) -> ExternalTool:
    """One step up or down the list; at either end nothing changes and nothing is recorded."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Unknown direction."), code="direction")
    access.require(MANAGE)
    with transaction.atomic():
        access = _lock(access)
        tools = list(ExternalTool.objects.filter(space=access.space).order_by("position", "pk"))
        index = next((i for i, tool in enumerate(tools) if tool.pk == tool_id), None)
        if index is None:
            raise Http404
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(tools):
            return tools[index]
        tools[index], tools[other] = tools[other], tools[index]
        # Positions are renumbered 1..n, which also repairs gaps and ties left by older rows.
        for position, tool in enumerate(tools, start=1):
            if tool.position != position:
                tool.position = position
                ExternalTool.objects.filter(pk=tool.pk).update(position=position)
        moved = tools[other]
        _event(access, "external.tool.edited", moved, name=moved.name, moved=direction)
    return moved


def external_tool_open(*, access: ToolAccess, tool_id: int) -> str:
    """The stored address to send the reader to, after counting the view.

    Reading is only recorded by name where the space measures it (DESIGN); otherwise the card
    gets one more anonymous view today.
    """
    if not access.can("read"):
        raise PermissionDenied
    tool = _tool(access, tool_id)
    record_view(
        space=access.space,
        actor=access.user,
        kind=MANIFEST.kind("external.tool.opened").key,
        target=tool,
        membership=access.space_access.membership,
    )
    return tool.url
