"""Helpers shared by the journeys: labels matched through the French catalogue, the space menu,
messages and the keyboard focus.

Labels go through ``in_french`` / ``french_plural``, which fall back to the English source text
while a string is not translated yet, so the journeys hold before and after the catalogue is
completed.
"""

from __future__ import annotations

import re

from django.utils import translation
from playwright.sync_api import Locator, Page

from coopilote.accounts.tests.helpers import in_french


def french_plural(singular: str, plural: str, number: int, **params: object) -> str:
    """A ``{% blocktranslate count counter=… %}`` text as the French page shows it."""
    with translation.override("fr"):
        return translation.ngettext(singular, plural, number) % {"counter": number, **params}


def label(text: str) -> re.Pattern[str]:
    """A field's label, in French, with or without the "(required)" marker."""
    required = re.escape(in_french("required"))
    return re.compile(rf"^\s*{re.escape(in_french(text))}(\s*\({required}\))?\s*$")


def space_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name=in_french("Space menu"))


def success_message(page: Page) -> Locator:
    """The page's messages; a success one is matched with ``to_contain_text``."""
    return page.locator("main .messages")


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), name: el.getAttribute("name"),
                id: el.id, value: el.value, text: el.innerText,
                outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                boxShadow: style.boxShadow,
            };
        }"""
    )


def tab_to(page: Page, target: Locator, *, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab until ``target`` has the focus; the focus must be visible there."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("(el) => el === document.activeElement"):
            state = focused(page)
            visible = (state["outlineStyle"] != "none" and state["outlineWidth"] >= 2) or (
                state["boxShadow"] not in ("", "none")
            )
            assert visible, f"focus is not visible on {state}"
            return state
    raise AssertionError(f"Tab never reached {target}; the focus is on {focused(page)}")
