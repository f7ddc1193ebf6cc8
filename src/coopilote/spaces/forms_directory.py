"""The member directory's search form and the "my card in this space" form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from coopilote.core.text import clean_plain_text
from coopilote.spaces.policies import Role
from coopilote.spaces.selectors import DirectoryChoices, DirectoryFilters

ANY = gettext_lazy("Any")
SELECTED = mark_safe(" selected")


class ListSelect(forms.Select):
    """A select written in Python rather than one template per option.

    The directory offers every tag and organisation of the space: with a hundred options, the
    stock widget's templates cost more than the whole page of fifty cards.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        chosen.discard("None")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, SELECTED if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class DirectoryFilterForm(forms.Form):
    """A GET form: every field optional, lists offer only what this space's members have."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("A name, an organisation or words from a short bio."),
    )
    role = forms.ChoiceField(widget=ListSelect, label=gettext_lazy("Role"), required=False)
    organisation = forms.ChoiceField(
        widget=ListSelect, label=gettext_lazy("Organisation"), required=False
    )
    skill = forms.ChoiceField(widget=ListSelect, label=gettext_lazy("Skill"), required=False)
    interest = forms.ChoiceField(widget=ListSelect, label=gettext_lazy("Interest"), required=False)
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("A commune or a postcode."),
    )

    def __init__(self, *args: Any, choices: DirectoryChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offer("role", [(role.value, capfirst(role.label)) for role in Role])
        self._offer("organisation", [(name, name) for name in choices.organisations])
        self._offer("skill", choices.skills)
        self._offer("interest", choices.interests)

    def _offer(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", ANY), *choices]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_place(self) -> str:
        return " ".join(self.cleaned_data["place"].split())

    def filters(self) -> DirectoryFilters:
        assert self.is_valid()
        return DirectoryFilters(**{name: self.cleaned_data[name] for name in self.fields})


class RepresentsForm(forms.Form):
    represents = forms.CharField(
        label=gettext_lazy("Organisation I represent in this space"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "In a network of structures, the association, company or local authority you speak "
            "for here. Leave empty to show the organisation of your profile."
        ),
    )

    def clean_represents(self) -> str:
        return clean_plain_text(self.cleaned_data["represents"])
