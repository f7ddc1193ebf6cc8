"""Forms of the gare centrale (the space's home page) and of its activity feed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from coopilote.spaces.models import MESSAGE_MAX, WELCOME_MAX

MARKDOWN_HELP = gettext_lazy(
    "Markdown is accepted: **bold**, *italics*, lists, [links](https://…), ## headings."
)


class HomeTextForm(forms.Form):
    """The welcome text or the "start here" guide."""

    text = forms.CharField(
        required=False,
        max_length=WELCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args: Any, label: Any, help_text: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        if help_text:
            self.fields["text"].help_text = help_text


class MessageForm(forms.Form):
    """The facilitators' message of the moment: short, with an optional last day."""

    text = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "A few lines everyone sees first: a meeting to come, a call for help, a deadline. "
            "Leave empty to take the message down. Markdown is accepted."
        ),
    )
    until = forms.DateField(
        label=gettext_lazy("Last day to show it"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Optional: after this day the message is hidden by itself."),
    )


class FeedFilterForm(forms.Form):
    """The activity feed's filters (GET)."""

    tool = forms.ChoiceField(label=gettext_lazy("Show"), required=False)
    new = forms.BooleanField(
        label=gettext_lazy("Only what is new since my last visit"), required=False
    )

    def __init__(self, *args: Any, tools: list[tuple[str, str]], member: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["tool"].choices = [("", gettext_lazy("All activity")), *tools]  # type: ignore[attr-defined]
        if not member:
            del self.fields["new"]
