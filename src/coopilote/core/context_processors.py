from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def accessibility_status() -> str:
    """RGAA wording derived from the declared audit rate; without an audit it is "non conforme"."""
    rate = settings.ACCESSIBILITY_AUDIT_RATE
    try:
        value = float(rate) if rate is not None else None
    except ValueError:
        value = None
    if value is not None and value >= 100:
        return _("fully compliant")
    if value is not None and value >= 50:
        return _("partially compliant")
    return _("not compliant")


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.SITE_NAME,
        "accessibility_status": accessibility_status(),
        "mailbox_enabled": settings.MAIL_TRANSPORT == "mailbox",
    }
