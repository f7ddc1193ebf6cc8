"""The first journey: sign up, verify the address through the test mailbox, fill in a profile.

Selectors rely on URLs, names and structure rather than on wording, so the tests hold before and
after the French catalogue is written. Every page seen is checked by the ``audit`` fixture.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Auditor, log_in, run_worker

pytestmark = pytest.mark.e2e

NEW_EMAIL = "dominique@example.org"
NEW_PASSWORD = "lanterne-orage-violette-92"


def active_element(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), id: el.id, className: el.className,
                role: el.getAttribute("role"), summary: el.hasAttribute("data-error-summary"),
                outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            };
        }"""
    )


def test_sign_up_verify_and_fill_in_profile(new_context, audit: Auditor, staff_user, password):
    from coopilote.accounts.models import User
    from coopilote.mail.models import OutboxMessage

    visitor = new_context()

    # An anonymous visitor arrives in French and goes to sign up.
    visitor.goto("/")
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    audit.check(visitor, "home, anonymous", mobile_axe=True)
    visitor.locator('header a[href="/accounts/signup/"]').click()
    expect(visitor).to_have_url(re.compile(r"/accounts/signup/$"))
    audit.check(visitor, "sign-up", mobile_axe=True)

    form = visitor.locator("main form")
    form.locator("input[name=email]").fill(NEW_EMAIL)
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(visitor.locator("main h1")).to_be_visible()
    audit.check(visitor, "check your inbox")

    # The worker delivers the verification mail to the local mailbox.
    run_worker()
    mail = OutboxMessage.objects.get(to=[NEW_EMAIL])
    assert mail.status == "sent", (mail.status, mail.last_error)

    # A staff member reads it in the test mailbox, from another browser.
    staff = new_context()
    log_in(staff, audit, staff_user.email, password)
    audit.check(staff, "home, staff")
    staff.goto("/mail/mailbox/")
    audit.check(staff, "test mailbox")
    row = staff.locator("main tbody tr", has_text=NEW_EMAIL)
    expect(row).to_have_count(1)
    row.locator("a").click()
    expect(staff).to_have_url(re.compile(rf"/mail/mailbox/{mail.pk}/$"))
    audit.check(staff, "mail message")
    link = staff.locator('.mail-body a[href*="/accounts/confirm-email/"]')
    expect(link).to_have_count(1)
    confirm_url = link.get_attribute("href")
    assert confirm_url and confirm_url.startswith(visitor.url.split("/accounts/")[0])

    # The new member follows the link and confirms with the button (no change on GET).
    visitor.goto(confirm_url)
    audit.check(visitor, "confirm address")
    visitor.locator("main form button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"/accounts/login/$"))
    expect(visitor.locator("main .message--success")).to_contain_text(NEW_EMAIL)
    audit.check(visitor, "address confirmed, log in")
    log_in(visitor, audit, NEW_EMAIL, NEW_PASSWORD)
    expect(visitor.locator('header form[action="/accounts/logout/"]')).to_be_visible()
    audit.check(visitor, "home, member")

    # Profile: first with mistakes, then for real.
    visitor.locator('header a[href="/accounts/profile/"]').click()
    audit.check(visitor, "profile, empty")
    visitor.locator('main a[href="/accounts/profile/edit/"]').click()
    audit.check(visitor, "profile edit")
    form = visitor.locator("main form")
    form.locator("input[name=display_name]").fill("<b>Dominique</b>")
    form.locator("input[name=place_latitude]").fill("45.19")
    form.locator("button[type=submit]").click()
    summary = visitor.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(visitor.locator("input[name=display_name]")).to_have_attribute("aria-invalid", "true")
    audit.check(visitor, "profile edit, errors", mobile_axe=True)

    form.locator("input[name=display_name]").fill("Dominique Martin")
    form.locator("textarea[name=bio]").fill("J'anime un réseau de jardins partagés.")
    form.locator("input[name=organisation]").fill("Réseau des jardins")
    form.locator("input[name=skills_text]").fill("cartographie, animation")
    form.locator("input[name=place_name]").fill("Grenoble")
    form.locator("input[name=place_latitude]").fill("")
    form.locator("button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"/accounts/profile/$"))
    main = visitor.locator("main")
    expect(main.locator(".message--success")).to_be_visible()
    expect(main.locator(".profile-head")).to_contain_text("Dominique Martin")
    facts = main.locator("dl.facts")
    for value in ("J'anime un réseau de jardins partagés.", "Réseau des jardins", "Grenoble"):
        expect(facts).to_contain_text(value)
    expect(facts.locator(".tag")).to_have_count(2)
    assert sorted(facts.locator(".tag").all_inner_texts()) == ["animation", "cartographie"]
    audit.check(visitor, "profile, filled in", mobile_axe=True)

    # The header button switches the interface to English, and it sticks as the preference.
    visitor.locator('header button[name=language][value="en"]').click()
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("main h1")).to_have_text("My profile")
    audit.check(visitor, "profile in English")
    assert User.objects.get(email=NEW_EMAIL).language == "en"

    # Logging out is a POST from the header.
    visitor.locator('header form[action="/accounts/logout/"] button').click()
    expect(visitor.locator('header a[href="/accounts/login/"]')).to_be_visible()
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    audit.check(visitor, "logged out")


def test_keyboard_skip_link(page: Page, audit: Auditor):
    page.goto("/")
    audit.check(page, "home")
    page.keyboard.press("Tab")
    focused = active_element(page)
    assert "skip-link" in focused["className"], focused
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, focused
    skip = page.locator(".skip-link")
    expect(skip).to_be_in_viewport()
    page.screenshot(path=audit.screenshot_path("skip-link-focused"))
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # Focus is then in the content: the next Tab reaches a link inside <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_empty_sign_up_shows_a_focused_error_summary(page: Page, audit: Auditor):
    page.goto("/accounts/signup/")
    audit.check(page, "sign-up")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.locator("a")).not_to_have_count(0)
    # Each summary link leads to its field.
    first = summary.locator("a").first
    target = first.get_attribute("href")
    assert target and target.startswith("#")
    expect(page.locator(target)).to_have_attribute("aria-invalid", "true")
    audit.check(page, "sign-up, empty submit", mobile_axe=True)
    first.click()
    expect(page.locator(target)).to_be_focused()


def test_account_pages_are_accessible(page: Page, audit: Auditor, user, password):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    page.goto("/accounts/password/reset/")
    audit.check(page, "password reset")
    log_in(page, audit, user.email, password)
    audit.check(page, "home, member")
    for path in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/mail/preferences/",
        "/accounts/personal-data/",
        "/accounts/delete/",
        "/accessibilite/",
        "/mentions-legales/",
        "/confidentialite/",
    ):
        page.goto(path)
        expect(page.locator("main h1")).to_have_count(1)
        audit.check(page, path)

    # The test mailbox is for staff only: a member gets the "not found" page.
    response = page.goto("/mail/mailbox/")
    assert response is not None and response.status == 404
    audit.check(page, "not found")

    # Forms with mistakes, as a member would make them.
    page.goto("/accounts/password/change/")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    audit.check(page, "password change, errors", mobile_axe=True)
    page.goto("/accounts/email/")
    page.locator("main input[name=email]").fill("pas-une-adresse")
    page.locator('main button[name="action_add"]').click()
    # allauth's own field: the error is tied to the field, which gets the focus.
    invalid = page.locator("main input[name=email]")
    expect(invalid).to_have_attribute("aria-invalid", "true")
    expect(invalid).to_have_attribute("aria-describedby", re.compile(r"_error"))
    expect(invalid).to_be_focused()
    audit.check(page, "email change, errors", mobile_axe=True)
    page.locator("main input[name=email][type=email]").fill("camille.nouvelle@example.org")
    page.locator('main button[name="action_add"]').click()
    expect(page.locator("main #new_email")).to_have_value("camille.nouvelle@example.org")
    expect(page.locator("main form#pending-email")).to_be_hidden()
    audit.check(page, "email change, pending", mobile_axe=True)
    # Cancelling goes through the hidden form the buttons point to.
    page.locator('main button[name="action_remove"][form="pending-email"]').click()
    expect(page.locator("main #new_email")).to_have_count(0)
    audit.check(page, "email change, cancelled")

    # Two-factor authentication: activate an authenticator app, then see the recovery codes.
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        audit.check(page, "reauthenticate", mobile_axe=True)
        page.locator("main input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    audit.check(page, "activate authenticator", mobile_axe=True)
    secret = page.locator("main #authenticator_secret").input_value()
    counter = next(iter(yield_hotp_counters_from_time()))
    page.locator("main input[name=code]").fill(format_hotp_value(hotp_value(secret, counter)))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.locator("main textarea#recovery_codes")).to_be_visible()
    audit.check(page, "recovery codes")
    page.goto("/accounts/2fa/")
    audit.check(page, "2fa, active")

    # The next login asks for the second factor.
    page.locator('header form[action="/accounts/logout/"] button').click()
    audit.check(page, "logged out")
    log_in(page, audit, user.email, password)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    audit.check(page, "second factor", mobile_axe=True)
