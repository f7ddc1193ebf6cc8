from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopilote.spaces.policies import Role


class Kind(models.TextChoices):
    NETWORK = "network", _("network")
    WORKING_GROUP = "working_group", _("working group")
    PROJECT = "project", _("project")
    CONSULTATION = "consultation", _("consultation")


class Field(models.TextChoices):
    TERRITORY = "territory", _("territory and participation")
    SOCIAL_ECONOMY = "social_economy", _("social and solidarity economy")
    ENVIRONMENT = "environment", _("environment")
    OTHER = "other", _("other")


class Visibility(models.TextChoices):
    # Ordered from the most to the least visible; a child never ranks before its parent.
    PUBLIC = "public", _("public")
    MEMBERS = "members", _("members only")
    SECRET = "secret", _("secret")

    @property
    def openness(self) -> int:
        return {"public": 2, "members": 1, "secret": 0}[self.value]


class Status(models.TextChoices):
    OPEN = "open", _("open")
    ARCHIVED = "archived", _("archived")
    CLOSED = "closed", _("closed")


# Spaces anyone may know exist: listed on the home page, named to people of other spaces.
LISTED_VISIBILITIES = frozenset({Visibility.PUBLIC, Visibility.MEMBERS})
LISTED_STATUSES = frozenset({Status.OPEN, Status.ARCHIVED})


class DirectoryVisibility(models.TextChoices):
    MEMBERS = "members", _("all members")
    FACILITATORS = "facilitators", _("facilitators and owners only")


WELCOME_MAX = 10_000
MESSAGE_MAX = 1_000


class Space(models.Model):
    """A network, working group, project or consultation: the tenant every tool lives in."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NETWORK)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices, default=Field.OTHER)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    # Rendered and sanitised on save, so pages never run Markdown on view.
    description_html = models.TextField(editable=False, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    directory_visibility = models.CharField(
        _("who sees the member directory"),
        max_length=12,
        choices=DirectoryVisibility.choices,
        default=DirectoryVisibility.MEMBERS,
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent space"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # The gare centrale (the space's home page): blocks the facilitators edit in place, in
    # Markdown rendered and sanitised on save like the description.
    welcome = models.TextField(_("welcome"), max_length=WELCOME_MAX, blank=True)
    welcome_html = models.TextField(editable=False, blank=True)
    start_here = models.TextField(_("start here"), max_length=WELCOME_MAX, blank=True)
    start_here_html = models.TextField(editable=False, blank=True)
    message = models.TextField(_("message of the moment"), max_length=MESSAGE_MAX, blank=True)
    message_html = models.TextField(editable=False, blank=True)
    message_at = models.DateTimeField(_("message posted at"), null=True, blank=True)
    message_until = models.DateField(_("message shown until"), null=True, blank=True)
    # DESIGN: per-member view events only where the space turns this on; members are told on
    # the space page and may opt out (Membership.reading_opt_out).
    reading_measurement = models.BooleanField(_("measure who reads what"), default=False)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "visibility", "name"], name="space_listing")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("spaces:detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_listed(self) -> bool:
        """Anyone may know it exists (``selectors.listed_spaces``): public or members only, not
        closed. Another space's name is shown to a reader only then (a secret space's never)."""
        return self.visibility in LISTED_VISIBILITIES and self.status in LISTED_STATUSES

    def ancestors(self) -> list[Space]:
        """Parent first, then its parent...; uses what select_related already loaded."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class SlugRedirect(models.Model):
    """A former address of a space: it keeps working and is never given to another space."""

    slug = models.SlugField(_("former web address"), max_length=60, unique=True)
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("space")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    # In networks of structures, a person often speaks for an organisation.
    represents = models.CharField(_("organisation represented"), max_length=120, blank=True)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    # Touched at most every few minutes when the member opens the space's home page (see
    # actions.membership_seen); "new since your last visit" counts from previous_visit_at.
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    previous_visit_at = models.DateTimeField(_("previous visit"), null=True, blank=True)
    reading_opt_out = models.BooleanField(_("does not want their reading measured"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="membership_once_per_space")
        ]
        indexes = [models.Index(fields=["space", "role"], name="membership_space_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.space} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("revoked")
    DECLINED = "declined", _("declined")


class Invitation(models.Model):
    """An invitation to one address; only a hash of its single-use token is stored."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("space")
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
            )
        ]
        indexes = [models.Index(fields=["invited_by", "created_at"], name="invitation_quota")]

    def __str__(self) -> str:
        return f"{self.email} → {self.space}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class JoinRequest(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("person"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    reason = models.TextField(_("reason given"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.space}"


class SpaceTool(models.Model):
    """A tool of the registry enabled in one space; disabling hides it and keeps its content."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="tools", verbose_name=_("space")
    )
    tool_key = models.CharField(_("tool"), max_length=40)
    title = models.CharField(_("title"), max_length=80)
    # The manifest's slug: tool addresses are fixed so that links never break.
    slug = models.SlugField(_("web address"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Per-space options; "verbs" may only narrow the manifest's role matrix.
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tool of a space")
        verbose_name_plural = _("tools of spaces")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "tool_key"], name="spacetool_once_per_space"),
            models.UniqueConstraint(fields=["space", "slug"], name="spacetool_slug_per_space"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.space})"
