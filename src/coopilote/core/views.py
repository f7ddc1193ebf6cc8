from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from coopilote.core.context_processors import accessibility_status


def baseline(request: HttpRequest) -> HttpResponse:
    """A trivial page through the full middleware stack: the denominator of every benchmark."""
    return render(request, "core/baseline.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility.html",
        {
            "status": accessibility_status(),
            "audit_rate": settings.ACCESSIBILITY_AUDIT_RATE,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        },
    )


def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/legal_notice.html",
        {"publisher": settings.LEGAL_PUBLISHER, "host": settings.LEGAL_HOST},
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {
            "mail_retention_days": settings.MAIL_RETENTION_DAYS,
            "unverified_days": settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS,
        },
    )


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in person keeps it as their preference."""
    response = django_set_language(request)
    chosen = request.POST.get("language")
    codes = {code for code, _name in settings.LANGUAGES}
    if chosen in codes and request.user.is_authenticated and request.user.language != chosen:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response
