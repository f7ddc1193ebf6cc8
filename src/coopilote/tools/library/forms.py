"""The library's forms: they parse input; the actions have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from coopilote.tools.library import actions
from coopilote.tools.library.licences import LICENCES
from coopilote.tools.library.models import (
    AUTHOR_MAX,
    TAG_MAX,
    TITLE_MAX,
    URL_MAX,
    Language,
    Licence,
    Resource,
    ResourceType,
)
from coopilote.tools.library.selectors import DEFAULT_SORT, LibraryFilters

TAGS_INPUT_MAX = (TAG_MAX + 2) * actions.TAGS_MAX
CHOOSE_AGAIN = gettext_lazy(
    "Choose the file again: for your safety, browsers do not keep a chosen file when the "
    "form comes back with a problem. Everything else you typed is kept."
)


def licence_choices() -> list[tuple[str, Any]]:
    """Each licence with what it lets others do, so nobody has to know the acronyms."""
    return [
        (key, format_lazy("{label} — {meaning}", label=info.label, meaning=info.meaning))
        for key, info in LICENCES.items()
    ]


class ResourceForm(forms.Form):
    """A resource's fields; the kind's own field (file, address or note) is added by kind."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Give the resource a title.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "What it is, who it is for, how to use it. Markdown: **bold**, *italic*, "
            "- list, [text](https://…)."
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=TAGS_INPUT_MAX,
        help_text=gettext_lazy("Separated by commas, for example: wetlands, mowing, guide."),
    )
    resource_type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=ResourceType.choices, initial=ResourceType.OTHER
    )
    author = forms.CharField(
        label=gettext_lazy("Author or source"),
        required=False,
        max_length=AUTHOR_MAX,
        help_text=gettext_lazy("A person, an organisation, a publication."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=Language.choices, initial=Language.FRENCH
    )
    published_on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("When it was published or written, if known."),
    )
    licence = forms.ChoiceField(
        label=gettext_lazy("Licence"),
        choices=licence_choices,
        initial=Licence.ALL_RIGHTS_RESERVED,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("What others may do with it. When unsure, ask the author."),
    )

    def __init__(self, *args: Any, kind: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Resource.Kind.FILE and not editing:
            self.fields["file"] = file_field()
        elif kind == Resource.Kind.LINK:
            self.fields["url"] = forms.CharField(
                label=gettext_lazy("Web address"),
                max_length=URL_MAX,
                widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
                help_text=gettext_lazy("Starting with https:// (or http://)."),
                error_messages={"required": gettext_lazy("Give the web address of the resource.")},
            )
        elif kind == Resource.Kind.NOTE:
            self.fields["body"] = forms.CharField(
                label=gettext_lazy("Note"),
                max_length=actions.BODY_MAX,
                widget=forms.Textarea(attrs={"rows": 14}),
                help_text=gettext_lazy(
                    "Markdown: # Heading, **bold**, *italic*, - list, > quote, [text](https://…)."
                ),
                error_messages={"required": gettext_lazy("Write the note.")},
            )
        # The kind's own field comes right after the title.
        self.order_fields(["title", "file", "url", "body"])

    def action_fields(self) -> dict[str, Any]:
        """What the actions take, the upload apart."""
        return {name: value for name, value in self.cleaned_data.items() if name != "file"}

    def ask_for_the_file_again(self) -> None:
        """A form shown again has lost its file: say so on the file field."""
        if "file" in self.fields and "file" not in self.errors:
            self.add_error("file", str(CHOOSE_AGAIN))


def file_field() -> forms.FileField:
    return forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # the upload checks say "empty" in their own words
        help_text=gettext_lazy(
            "Documents, spreadsheets, presentations, PDF, pictures, text, zip archives. "
            "Pictures are cleaned of their hidden data (place, camera)."
        ),
        error_messages={"required": gettext_lazy("Choose a file.")},
    )


class VersionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"] = file_field()
        self.fields["file"].label = gettext_lazy("New version of the file")


def _any(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", gettext_lazy("Any")), *choices]


class LibraryFilterForm(forms.Form):
    """The search form of the library; values it does not know are ignored, never an error."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=_any(Resource.Kind.choices)
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"), required=False, choices=_any(ResourceType.choices)
    )
    tag = forms.CharField(label=gettext_lazy("Tag"), required=False, max_length=TAG_MAX)
    licence = forms.ChoiceField(
        label=gettext_lazy("Licence"), required=False, choices=_any(Licence.choices)
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), required=False, choices=_any(Language.choices)
    )
    author = forms.CharField(
        label=gettext_lazy("Author or source"), required=False, max_length=AUTHOR_MAX
    )
    date_from = forms.DateField(
        label=gettext_lazy("Dated from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Dated until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("newest", gettext_lazy("Newest first")),
            ("oldest", gettext_lazy("Oldest first")),
            ("title", gettext_lazy("Title")),
            ("downloads", gettext_lazy("Most downloaded")),
        ],
    )

    def filters(self) -> LibraryFilters:
        """The valid values only: an unknown sort or kind is simply ignored (SEC-T33)."""
        self.is_valid()
        data = self.cleaned_data
        return LibraryFilters(
            q=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            resource_type=data.get("type") or "",
            tag=(data.get("tag") or "").strip(),
            licence=data.get("licence") or "",
            language=data.get("language") or "",
            author=(data.get("author") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or DEFAULT_SORT,
        )

    @classmethod
    def showing(cls, filters: LibraryFilters) -> LibraryFilterForm:
        """An unbound form showing the filters applied (no error messages on a search form)."""
        return cls(
            initial={
                "q": filters.q,
                "kind": filters.kind,
                "type": filters.resource_type,
                "tag": filters.tag,
                "licence": filters.licence,
                "language": filters.language,
                "author": filters.author,
                "date_from": filters.date_from,
                "date_to": filters.date_to,
                "sort": filters.sort,
            }
        )
