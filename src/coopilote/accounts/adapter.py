from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_SIGNUP_OPEN", True))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        codes = {code for code, _name in settings.LANGUAGES}
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        user.language = language if language in codes else settings.LANGUAGE_CODE
        # An invitation link stashes the address it proved (spaces.views.invitations). allauth
        # would add that address, verified, to any account signed up in this session: it may
        # only verify the address the person signs up with.
        stashed = request.session.get("account_verified_email")
        typed = str((getattr(form, "cleaned_data", None) or {}).get("email") or "")
        if stashed and stashed.lower() != typed.strip().lower():
            self.unstash_verified_email(request)
        return super().save_user(request, user, form, commit=commit)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth answers a spent "login_failed" allowance with a form error (status 200);
        # Coopilote refuses the attempt with 429, whether or not the password is right.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(ratelimit.respond_429(request)) from exc
            raise

    # Links in mail always use the configured site address, never the request's Host header.
    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def send_account_already_exists_mail(self, email: str) -> None:
        ctx = {
            "signup_url": settings.SITE_URL + reverse("account_signup"),
            "password_reset_url": settings.SITE_URL + reverse("account_reset_password"),
        }
        self.send_mail("account/email/account_already_exists", email, ctx)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The site's name and address come from settings, not from the request's Host header.
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
