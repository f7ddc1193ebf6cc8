"""Dangerous addresses, over-long texts and HTML are refused with a clear message, nothing is
saved, and the form keeps what the person typed."""

from __future__ import annotations

import html as html_lib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopilote.accounts.tests.helpers import error_texts
from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.tools.external import actions
from coopilote.tools.external.models import (
    AGREEMENT_MAX,
    HELP_TEXT_MAX,
    NAME_MAX,
    PURPOSE_MAX,
    URL_MAX,
    ExternalTool,
)
from coopilote.tools.external.tests.helpers import state, tool_access_for

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Visio",
    "url": "https://visio.example.org/lundi",
    "category": "video",
    "purpose": "",
    "agreed_uses": "",
    "avoid": "",
    "help_contact": "",
    "help_text": "",
}

SCHEME = "Only web addresses starting with http:// or https:// are accepted."
CREDENTIALS = "This address contains a user name or a password: remove them."
INVALID = (
    "This is not a valid web address, for example %(example)s.",
    {"example": "https://pad.example.org/our-pad"},
)


def said(message: str | tuple[str, dict[str, str]]) -> str:
    """The French message the person reads (with its parameters, when it has some)."""
    if isinstance(message, tuple):
        return fr(message[0], **message[1])
    return fr(message)


SPACES = "A web address cannot contain spaces."

HOSTILE_URLS = {
    "javascript:alert(document.cookie)": SCHEME,
    "JaVaScRiPt:alert(1)": SCHEME,
    "  javascript:alert(1)": SCHEME,
    "\x01javascript:alert(1)": SCHEME,
    "java\tscript:alert(1)": SPACES,
    "javascript://example.org/%0aalert(1)": SCHEME,
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==": SCHEME,
    "vbscript:msgbox(1)": SCHEME,
    "file:///etc/passwd": SCHEME,
    "ftp://files.example.org/": SCHEME,
    "http://user:pass@host.example.org/": CREDENTIALS,
    "https://pad.example.org@evil.example/": CREDENTIALS,
    "https://user@pad.example.org/": CREDENTIALS,
    "https://": INVALID,
    "http://exa mple.org/": SPACES,
    "https://<script>.example.org/": INVALID,
}


def add_url(space) -> str:
    return reverse("external:add", args=[space.slug])


@pytest.mark.parametrize(("url", "message"), list(HOSTILE_URLS.items()))
def test_a_dangerous_or_broken_address_is_refused_with_a_clear_message(tool_space, url, message):
    space, clients = tool_space("members")
    before = state()
    response = clients["facilitator"].post(add_url(space), {**GOOD, "url": url})
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [said(message)]
    assert any(said(message) in text for text in error_texts(response.content.decode()))
    assert state() == before
    # What was typed stays in the form (the name, and the address as typed, escaped).
    page = response.content.decode()
    assert 'value="Visio"' in page
    assert response.context["form"]["url"].value() == url


@pytest.mark.parametrize(("url", "message"), list(HOSTILE_URLS.items()))
def test_the_action_refuses_a_dangerous_address_even_without_the_form(tool_space, url, message):
    space, clients = tool_space("members")
    before = state()
    with pytest.raises(ValidationError) as refused:
        actions.external_tool_add(
            access=tool_access_for(space, clients.users["owner"]),
            **{**GOOD, "url": url, "help_contact": None},
        )
    assert refused.value.message_dict["url"] == [said(message)]
    assert state() == before


def test_an_edit_cannot_turn_a_good_address_into_a_dangerous_one(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    before = state()
    response = clients["owner"].post(
        reverse("external:edit", args=[space.slug, card.pk]),
        {**GOOD, "url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert state() == before
    assert ExternalTool.objects.get(pk=card.pk).url == "https://pad.example.org/p/eau"


def test_an_address_longer_than_the_limit_is_refused(tool_space):
    space, clients = tool_space("members")
    url = "https://pad.example.org/" + "a" * URL_MAX
    before = state()
    response = clients["facilitator"].post(add_url(space), {**GOOD, "url": url})
    assert response.status_code == 400
    assert state() == before
    with pytest.raises(ValidationError) as refused:
        actions.clean_url(url)
    assert refused.value.code == "max_length"


TEXT_FIELDS = {
    "name": NAME_MAX,
    "purpose": PURPOSE_MAX,
    "agreed_uses": AGREEMENT_MAX,
    "avoid": AGREEMENT_MAX,
    "help_text": HELP_TEXT_MAX,
}


@pytest.mark.parametrize(("field", "limit"), list(TEXT_FIELDS.items()))
def test_an_over_long_text_is_refused_in_the_form_and_in_the_action(tool_space, field, limit):
    space, clients = tool_space("members")
    before = state()
    too_long = "é" * (limit + 1)
    response = clients["facilitator"].post(add_url(space), {**GOOD, field: too_long})
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert too_long in response.content.decode()  # kept in the form
    with pytest.raises(ValidationError) as refused:
        actions.external_tool_add(
            access=tool_access_for(space, clients.users["owner"]),
            **{**GOOD, field: too_long, "help_contact": None},
        )
    assert refused.value.message_dict[field] == [
        fr(
            "%(max)d characters at most (this text has %(count)d).",
            max=limit,
            count=limit + 1,
        )
    ]
    assert state() == before


HTML = '<img src=x onerror="alert(1)">Salut'


@pytest.mark.parametrize("field", list(TEXT_FIELDS))
def test_html_in_any_text_field_is_refused_and_never_reaches_a_page(tool_space, field):
    space, clients = tool_space("members")
    before = state()
    response = clients["facilitator"].post(add_url(space), {**GOOD, field: HTML})
    assert response.status_code == 400
    page = response.content.decode()
    message = fr("HTML tags are not accepted here; please write plain text.")
    assert response.context["form"].errors[field] == [message]
    assert "<img src=x" not in page  # shown back escaped, never as markup
    assert html_lib.escape(HTML, quote=True) in page or "&lt;img src=x" in page
    with pytest.raises(ValidationError) as refused:
        actions.external_tool_add(
            access=tool_access_for(space, clients.users["owner"]),
            **{**GOOD, field: HTML, "help_contact": None},
        )
    assert field in refused.value.message_dict
    assert state() == before


def test_every_problem_is_reported_at_once(tool_space):
    space, clients = tool_space("members")
    response = clients["facilitator"].post(
        add_url(space),
        {**GOOD, "name": "", "url": "javascript:alert(1)", "category": "rocket", "avoid": HTML},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "url", "category", "avoid"}


def test_invisible_control_characters_are_taken_out_of_texts(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"], name="Pad\u202e lanoitan")
    assert card.name == "Pad lanoitan"


def test_a_tag_like_text_is_escaped_in_the_page_if_it_ever_got_stored(tool_space, add_card):
    """Defence in depth: rows written by an older version or by hand are escaped on output."""
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    ExternalTool.objects.filter(pk=card.pk).update(name="<script>alert(1)</script>", avoid=HTML)
    page = clients["member"].get(reverse("external:index", args=[space.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
