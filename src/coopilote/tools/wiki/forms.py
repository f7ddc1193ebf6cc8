"""The wiki forms: they parse input; the actions have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from coopilote.tools.wiki import actions
from coopilote.tools.wiki.models import COMMENT_MAX, TEMPLATE_NAME_MAX, TITLE_MAX

BODY_ID = "wiki-body"


class PageForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Give the page a title.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "id": BODY_ID, "spellcheck": "true"}),
        help_text=gettext_lazy(
            "Markdown: # Heading, **bold**, *italic*, - list, > quote, [text](https://…). "
            "Link to another page of the space with [[Page name]], to a page of another "
            "space with [[space-address:Page name]]. "
            "Library resource: show it with ![[library:identifier|caption]], the identifier "
            "being the end of its address in the library."
        ),
    )
    comment = forms.CharField(
        label=gettext_lazy("What did you change?"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=gettext_lazy("Optional, shown in the history."),
    )
    base_number = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, preview_url: str = "", new: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if preview_url:
            self.fields["body"].widget.attrs["data-preview-url"] = preview_url
        if new:
            del self.fields["base_number"]
            self.fields["comment"].label = gettext_lazy("Comment")

    def clean_title(self) -> str:
        return actions.clean_title(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return actions.clean_body(self.cleaned_data["body"])

    def clean_comment(self) -> str:
        return actions.clean_comment(self.cleaned_data["comment"])


class RestoreForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Why restore this revision?"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=gettext_lazy("Optional, shown in the history."),
    )

    def clean_comment(self) -> str:
        return actions.clean_comment(self.cleaned_data["comment"])


class RenameForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("New title"),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Give the page a title.")},
        help_text=gettext_lazy(
            "The page's address follows the title; the old address keeps leading here."
        ),
    )
    comment = forms.CharField(
        label=gettext_lazy("Why rename it?"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=gettext_lazy("Optional, shown in the history."),
    )


class MoveForm(forms.Form):
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Place this page under"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, choices: list[tuple[Any, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", gettext_lazy("— The top of the tree —"))] + [
            (str(page.pk), f"{'\u2003' * depth}{page.title}") for page, depth in choices
        ]


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=TEMPLATE_NAME_MAX)
    description = forms.CharField(
        label=gettext_lazy("What it is for"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=gettext_lazy("One sentence, shown when someone chooses a template."),
    )
    title = forms.CharField(
        label=gettext_lazy("Title of new pages"),
        required=False,
        max_length=TITLE_MAX,
        help_text=gettext_lazy("Optional. {date} becomes the day's date."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "id": BODY_ID, "spellcheck": "true"}),
        help_text=gettext_lazy(
            "Markdown, as in pages. {date} becomes the day's date when a page starts from it."
        ),
    )
