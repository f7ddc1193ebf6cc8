"""The invitation form: one address, a pasted list or a CSV file, with a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopilote.core.text import clean_plain_text
from coopilote.spaces import invitation_import
from coopilote.spaces.invitation_import import Batch, ImportRefused
from coopilote.spaces.models import Invitation
from coopilote.spaces.policies import Role

MESSAGE_MAX_LENGTH = Invitation._meta.get_field("message").max_length or 2000
# Generous for a pasted list: the line cap gives the real limit, with a clearer message.
LIST_MAX_LENGTH = invitation_import.MAX_FILE_BYTES


class InviteForm(forms.Form):
    """Fills ``batch`` when valid: the people to invite, each line checked without the database."""

    email = forms.CharField(
        label=gettext_lazy("Email address"),
        required=False,
        max_length=invitation_import.EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("To invite one person."),
    )
    name = forms.CharField(
        label=gettext_lazy("Their name"),
        required=False,
        max_length=invitation_import.NAME_MAX_LENGTH,
        help_text=gettext_lazy("Optional; it greets them in the invitation."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        help_text=gettext_lazy(
            "The role given to the person above, and to every line of a list or file that "
            "gives none."
        ),
    )
    addresses = forms.CharField(
        label=gettext_lazy("Or paste a list"),
        required=False,
        max_length=LIST_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One person per line: “camille@example.org”, “Camille Dupont "
            "&lt;camille@example.org&gt;” or “camille@example.org; Camille Dupont; member”. "
            "Roles: owner, facilitator, member, observer (in French or English)."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
        help_text=gettext_lazy(
            "With a first line naming the columns: email (or courriel, adresse), name (or "
            "nom), role (or rôle). Separated by commas, semicolons or tabs; 1 MB at most."
        ),
    )
    csv_text = forms.CharField(
        label=gettext_lazy("Content of the CSV file"),
        required=False,
        max_length=invitation_import.MAX_FILE_BYTES,
        widget=forms.HiddenInput,
        help_text=gettext_lazy(
            "The file you sent, as read; you can correct it here. Empty this box to use "
            "another way."
        ),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Optional, in plain text; it is added to every invitation."),
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch: Batch | None = None
        self.fields["role"].choices = [(role.value, capfirst(role.label)) for role in roles]  # type: ignore[attr-defined]
        self.fields["role"].initial = Role.MEMBER if Role.MEMBER in roles else roles[-1].value
        if self.data.get(self.add_prefix("csv_text")):
            # A file was read: its text stays in the page so that nothing is lost.
            self.fields["csv_text"].widget = _text_area()

    def clean_message(self) -> str:
        return clean_plain_text(self.cleaned_data["message"])

    def clean_name(self) -> str:
        return clean_plain_text(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        upload = data.get("file")
        try:
            if upload:
                data["csv_text"] = invitation_import.read_upload(upload)
            self.batch = self._parse(data)
        except ImportRefused as refused:
            self.add_error("file" if upload else self._source_field(data), refused.message)
        except ValidationError as error:
            self.add_error(None, error)
        else:
            if upload:
                self._keep_file_text(data["csv_text"])
        return data

    def _parse(self, data: dict[str, Any]) -> Batch:
        sources = [key for key in ("email", "addresses", "csv_text") if data.get(key, "").strip()]
        if not sources:
            raise ValidationError(
                _("Give an email address, paste a list or upload a CSV file."), code="empty"
            )
        if len(sources) > 1:
            raise ValidationError(
                _(
                    "Use one way at a time: an address, a list or a file. Empty the other "
                    "boxes, then check again."
                ),
                code="several",
            )
        role = data["role"]
        if sources == ["email"]:
            return invitation_import.single(email=data["email"], name=data["name"], role=role)
        if sources == ["addresses"]:
            return invitation_import.parse_pasted(data["addresses"], default_role=role)
        return invitation_import.parse_csv(data["csv_text"], default_role=role)

    def _source_field(self, data: dict[str, Any]) -> str:
        return "csv_text" if data.get("csv_text", "").strip() else "addresses"

    def _keep_file_text(self, text: str) -> None:
        """Show the file's text with the preview, so that it need not be sent twice."""
        data = QueryDict(mutable=True)
        data.update(self.data)  # type: ignore[arg-type]
        data[self.add_prefix("csv_text")] = text
        self.data = data
        self.fields["csv_text"].widget = _text_area()


def _text_area() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})
