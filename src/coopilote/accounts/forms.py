from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopilote.accounts.avatars import process_avatar
from coopilote.accounts.models import DigitalComfort, User
from coopilote.core.text import clean_plain_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
COARSE = Decimal("0.01")


def parse_tags(raw: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"[,;\n]", raw):
        name = " ".join(clean_plain_text(part).split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(
                _("“%(tag)s” is too long: a tag has at most %(max)d characters.")
                % {"tag": name[:50], "max": MAX_TAG_LENGTH},
                code="tag_too_long",
            )
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError(
            _("Please keep to %(max)d tags at most.") % {"max": MAX_TAGS}, code="too_many_tags"
        )
    return names


def coordinate_field(label: StrOrPromise) -> forms.DecimalField:
    """Any precision is accepted (clean_<name> rounds it) in the reader's decimal notation.

    French members type "47,39"; a coordinate copied from a map has more decimals than stored.
    """
    return forms.DecimalField(
        label=capfirst(label),
        required=False,
        localize=True,
        help_text=gettext_lazy("Optional, rounded to about one kilometre."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ProfileForm(forms.ModelForm):
    skills_text = forms.CharField(
        label=gettext_lazy("Skills"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas, e.g. facilitation, mapping, accounting."),
    )
    interests_text = forms.CharField(
        label=gettext_lazy("Interests"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas, e.g. water, biodiversity, participation."),
    )
    avatar_file = forms.FileField(
        label=gettext_lazy("Profile picture"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG, WebP or GIF, 5 MB at most. It is cropped to a square."),
    )
    remove_avatar = forms.BooleanField(
        label=gettext_lazy("Remove my current picture"), required=False
    )
    place_latitude = coordinate_field(gettext_lazy("latitude"))
    place_longitude = coordinate_field(gettext_lazy("longitude"))

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "organisation",
            "place_name",
            "place_latitude",
            "place_longitude",
            "digital_comfort",
            "language",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "digital_comfort": forms.RadioSelect,
        }
        help_texts = {
            "display_name": gettext_lazy("How other members see you."),
            "organisation": gettext_lazy("The structure you belong to or represent, if any."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.avatar_bytes: bytes | None = None
        self.fields["digital_comfort"].choices = list(DigitalComfort.choices)  # type: ignore[attr-defined]
        self.fields["digital_comfort"].required = False
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["place_name"].widget.attrs["autocomplete"] = "address-level2"
        if self.instance.pk and not self.is_bound:
            self.initial["skills_text"] = ", ".join(t.name for t in self.instance.skills.all())
            self.initial["interests_text"] = ", ".join(
                t.name for t in self.instance.interests.all()
            )

    def clean_display_name(self) -> str:
        return clean_plain_text(self.cleaned_data["display_name"])

    def clean_bio(self) -> str:
        return clean_plain_text(self.cleaned_data["bio"])

    def clean_organisation(self) -> str:
        return clean_plain_text(self.cleaned_data["organisation"])

    def clean_place_name(self) -> str:
        return clean_plain_text(self.cleaned_data["place_name"])

    def clean_skills_text(self) -> list[str]:
        return parse_tags(self.cleaned_data["skills_text"])

    def clean_interests_text(self) -> list[str]:
        return parse_tags(self.cleaned_data["interests_text"])

    def _coarse(self, name: str, limit: int) -> Decimal | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        if abs(value) > limit:
            raise ValidationError(
                _("Must be between -%(limit)d and %(limit)d.") % {"limit": limit},
                code="out_of_range",
            )
        return Decimal(value).quantize(COARSE, rounding=ROUND_HALF_UP)

    def clean_place_latitude(self) -> Decimal | None:
        return self._coarse("place_latitude", 90)

    def clean_place_longitude(self) -> Decimal | None:
        return self._coarse("place_longitude", 180)

    def clean_avatar_file(self) -> object:
        upload = self.cleaned_data.get("avatar_file")
        if upload:
            self.avatar_bytes = process_avatar(upload)
        return upload

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        has_lat = cleaned.get("place_latitude") is not None
        has_lon = cleaned.get("place_longitude") is not None
        if has_lat != has_lon:
            raise ValidationError(
                _("Give both latitude and longitude, or neither."), code="half_coordinates"
            )
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my personal data will be erased and that this cannot be undone."
        ),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not correct."), code="wrong_password")
        return password
