from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings

from coopilote.accounts.models import User


def personal_data(user: User) -> dict[str, Any]:
    """Everything Coopilote holds about one person, in a portable JSON-ready shape."""
    from coopilote.mail.models import OutboxMessage
    from coopilote.mail.preferences import preferences_for

    return {
        "format": "coopilote-personal-data",
        "version": 1,
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "organisation": user.organisation,
            "skills": [tag.name for tag in user.skills.all()],
            "interests": [tag.name for tag in user.interests.all()],
            "place_name": user.place_name,
            "place_latitude": str(user.place_latitude) if user.place_latitude is not None else None,
            "place_longitude": (
                str(user.place_longitude) if user.place_longitude is not None else None
            ),
            "digital_comfort": user.get_digital_comfort_display() if user.digital_comfort else None,
            "language": user.language,
            "has_avatar": bool(user.avatar),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "second_factors": [
            {"type": a.type, "created_at": a.created_at.isoformat()}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "sessions": [
            {
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat() if s.last_seen_at else None,
                "ip": s.ip,
                "user_agent": s.user_agent,
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "email_preferences": [
            {"kind": pref.kind.key, "subscribed": pref.subscribed} for pref in preferences_for(user)
        ],
        "emails_received": [
            {
                "subject": m.subject,
                "status": m.status,
                "created_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in OutboxMessage.objects.filter(recipient_user=user).order_by("created_at")
        ],
        "site": settings.SITE_URL,
    }
