from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopilote.core.text import clean_plain_text
from coopilote.spaces.models import DirectoryVisibility, Field, Kind, Space, Visibility

SLUG_HELP = gettext_lazy(
    "Lower-case letters, digits and hyphens; it appears in links to the space. "
    "If the address changes later, the old one keeps leading here."
)


class SpaceFieldsMixin(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of space"), choices=Kind.choices, widget=forms.RadioSelect
    )
    field = forms.ChoiceField(
        label=gettext_lazy("Field"), choices=Field.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "What the space is for and who it gathers. Markdown is accepted: **bold**, "
            "*italics*, lists, [links](https://…)."
        ),
    )

    def clean_name(self) -> str:
        name = clean_plain_text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Please give the space a name."), code="required")
        return name


class SpaceCreateForm(SpaceFieldsMixin):
    slug = forms.CharField(
        label=gettext_lazy("Web address"),
        required=False,
        max_length=60,
        help_text=format_lazy(
            "{}{}", gettext_lazy("Leave empty to derive it from the name. "), SLUG_HELP
        ),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.MEMBERS,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Public: anyone can read it. Members only: listed with its name and description, "
            "people may ask to join, the content is for members. Secret: not listed, "
            "only members know it exists."
        ),
    )
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Inside the space"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: a space on its own"),
        help_text=gettext_lazy(
            "A network can hold its working groups and projects. A sub-space is never more "
            "visible than the space that holds it."
        ),
    )

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else Space.objects.none()  # type: ignore[attr-defined]
        self.fields["kind"].initial = Kind.NETWORK
        self.fields["field"].initial = Field.OTHER

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if slug:
            validate_slug(slug)
        return slug


class SpaceEditForm(SpaceFieldsMixin):
    pass


class SpaceSettingsForm(forms.Form):
    slug = forms.CharField(label=gettext_lazy("Web address"), max_length=60, help_text=SLUG_HELP)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibility"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    directory_visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees the member directory"),
        choices=DirectoryVisibility.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The directory is never shown to people outside the space."),
    )
    reading_measurement = forms.BooleanField(
        label=gettext_lazy("Measure who reads what"),
        required=False,
        help_text=gettext_lazy(
            "When on, the facilitators can see which members opened which content, to notice "
            "who follows without speaking. Members are told on the space's page and each of "
            "them can refuse. When off, only anonymous daily counts are kept."
        ),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        validate_slug(slug)
        return slug
