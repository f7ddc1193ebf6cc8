"""The external tool form: it parses input; ``actions.clean_fields`` has the last word."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from coopilote.core.text import clean_plain_text
from coopilote.spaces.models import Membership
from coopilote.tools.external import actions
from coopilote.tools.external.models import (
    AGREEMENT_MAX,
    HELP_TEXT_MAX,
    NAME_MAX,
    PURPOSE_MAX,
    URL_MAX,
    Category,
)


class ExternalToolForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX,
        help_text=gettext_lazy("For example: “Pad of the water group”, “Monday video room”."),
    )
    url = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=URL_MAX,
        help_text=gettext_lazy(
            "The web address, starting with https:// (or http://). Never put a password in it."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Kind of tool"), choices=Category.choices, initial=Category.OTHER
    )
    purpose = forms.CharField(
        label=gettext_lazy("What we use it for"),
        required=False,
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One or two sentences, plain text."),
    )
    agreed_uses = forms.CharField(
        label=gettext_lazy("Our agreement: we use it for…"),
        required=False,
        max_length=AGREEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: “drafting minutes together before each meeting”."),
    )
    avoid = forms.CharField(
        label=gettext_lazy("Our agreement: we avoid…"),
        required=False,
        max_length=AGREEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: “personal data, final versions (they go to the library)”."
        ),
    )
    help_contact = forms.TypedChoiceField(
        label=gettext_lazy("Who to ask for help"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("A member of the space who knows the tool well."),
    )
    help_text = forms.CharField(
        label=gettext_lazy("How to get help"),
        required=False,
        max_length=HELP_TEXT_MAX,
        help_text=gettext_lazy("Optional: a tutorial, a contact address, a time to ask…"),
    )

    def __init__(self, *args: Any, contacts: Sequence[Membership] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["help_contact"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("Nobody in particular")),
            *((membership.pk, membership.user.public_name) for membership in contacts),
        ]

    def clean_url(self) -> str:
        return actions.clean_url(self.cleaned_data["url"])

    def _plain(self, field: str) -> str:
        return clean_plain_text(self.cleaned_data[field])

    def clean_name(self) -> str:
        return self._plain("name")

    def clean_purpose(self) -> str:
        return self._plain("purpose")

    def clean_agreed_uses(self) -> str:
        return self._plain("agreed_uses")

    def clean_avoid(self) -> str:
        return self._plain("avoid")

    def clean_help_text(self) -> str:
        return self._plain("help_text")
