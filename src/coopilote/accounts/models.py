from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A skill or an interest, shared by everyone so that directories can filter on it."""

    name = models.CharField(_("name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_names(cls, names: list[str]) -> list[Tag]:
        wanted = {}
        for name in names:
            slug = slugify(name)[:50]
            if slug and slug not in wanted:
                wanted[slug] = name
        existing = {tag.slug: tag for tag in cls.objects.filter(slug__in=wanted)}
        missing = [
            Tag(name=name, slug=slug) for slug, name in wanted.items() if slug not in existing
        ]
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        if missing:
            existing = {tag.slug: tag for tag in cls.objects.filter(slug__in=wanted)}
        return [existing[slug] for slug in wanted]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class DigitalComfort(models.IntegerChoices):
    BEGINNER = 1, _("I am just starting with digital tools")
    EVERYDAY = 2, _("I use them every day without difficulty")
    CONFIDENT = 3, _("I am confident and can help others")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    skills = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("skills"))
    interests = models.ManyToManyField(
        Tag, blank=True, related_name="+", verbose_name=_("interests")
    )
    place_name = models.CharField(
        _("approximate place"),
        max_length=120,
        blank=True,
        help_text=_("A commune or a postcode, never an exact address."),
    )
    # Two decimals (about a kilometre) is the finest precision ever stored for a person.
    place_latitude = models.DecimalField(
        _("latitude"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    place_longitude = models.DecimalField(
        _("longitude"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    digital_comfort = models.PositiveSmallIntegerField(
        _("comfort with digital tools"), choices=DigitalComfort.choices, null=True, blank=True
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )
    avatar = models.CharField(_("avatar file"), max_length=200, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return str(self.public_name)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        """The name shown next to what a person wrote; kept after deletion as "former member"."""
        if self.is_deleted:
            return str(_("Former member"))
        return self.display_name or self.email.split("@", 1)[0]

    def get_short_name(self) -> str:
        return self.public_name

    def get_full_name(self) -> str:
        return self.public_name
