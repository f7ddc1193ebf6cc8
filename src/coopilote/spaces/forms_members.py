"""Forms of joining and member management: they parse input, the actions decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from coopilote.core.text import clean_plain_text
from coopilote.spaces.policies import Role

MESSAGE_MAX = 1000


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the facilitators"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Optional. Say in a few words who you are and why you would like to join. "
            "Plain text, 1000 characters at most."
        ),
    )

    def clean_message(self) -> str:
        return clean_plain_text(self.cleaned_data["message"])


# Roles a request can be accepted with: higher roles are given later, from the member list.
ACCEPT_ROLES = (Role.MEMBER, Role.OBSERVER)
ACCEPT_LABELS = {
    Role.MEMBER: gettext_lazy("Accept as member"),
    Role.OBSERVER: gettext_lazy("Accept as observer"),
}
REFUSE = "refuse"


class JoinDecisionForm(forms.Form):
    answer = forms.ChoiceField(label=gettext_lazy("Your answer"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=gettext_lazy("Message to the person"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Optional, sent with your answer by email. If you refuse, you may say why."
        ),
    )

    def __init__(self, *args: Any, roles: Iterable[Role] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = set(roles)
        choices = [(role.value, ACCEPT_LABELS[role]) for role in ACCEPT_ROLES if role in given]
        self.fields["answer"].choices = [*choices, (REFUSE, gettext_lazy("Refuse"))]  # type: ignore[attr-defined]
        if choices:
            self.fields["answer"].initial = choices[0][0]

    def clean_reason(self) -> str:
        return clean_plain_text(self.cleaned_data["reason"])

    @property
    def accept(self) -> bool:
        return bool(self.cleaned_data["answer"] != REFUSE)

    @property
    def role(self) -> str:
        return "" if self.cleaned_data["answer"] == REFUSE else str(self.cleaned_data["answer"])


class RoleForm(forms.Form):
    """Any role is parsed; whether the actor may give it is the action's decision (403)."""

    role = forms.ChoiceField(label=gettext_lazy("New role"), choices=Role.choices)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, roles: Iterable[Role] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            # Only what the actor may give is offered; validation still knows every role.
            self.fields["role"].widget.choices = [(role.value, role.label) for role in roles]  # type: ignore[attr-defined]


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or email address"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", gettext_lazy("All roles")), *Role.choices],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"query": "", "role": ""}
        return {"query": self.cleaned_data["q"], "role": self.cleaned_data["role"]}
