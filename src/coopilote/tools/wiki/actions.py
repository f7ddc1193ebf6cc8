"""Every write to the wiki.

Each action checks its verb through a ``ToolAccess`` (an archived space, a disabled tool or a
lowered role refuses), validates, writes in one transaction and records one activity event of a
kind declared in the manifest. Saving a page locks the page row first, so two saves of the same
page are serialised: the second one sees the first one's revision and merges with it, or meets a
conflict and keeps its text as a draft. Nothing typed is ever silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from merge3 import Merge3

from coopilote.activity.recording import record, record_view
from coopilote.core.text import INVISIBLE, clean_plain_text
from coopilote.spaces.access import ToolAccess, tool_access_again
from coopilote.tools.wiki import links, markup, notifications
from coopilote.tools.wiki.manifest import EDIT, MANAGE, MANIFEST, READ
from coopilote.tools.wiki.markup import page_slug
from coopilote.tools.wiki.models import (
    COMMENT_MAX,
    TEMPLATE_NAME_MAX,
    TITLE_MAX,
    TOKEN_MAX,
    Draft,
    Page,
    PageFollower,
    PageLink,
    PageRedirect,
    PageTemplate,
    Revision,
)


class EditConflict(Exception):
    """Someone saved the same lines in between: nothing is saved, the text is kept as a draft."""

    def __init__(self, *, page: Page, current: Revision, title: str, body: str, draft: Draft):
        super().__init__("edit conflict")
        self.page = page
        self.current = current
        self.title = title
        self.body = body
        self.draft = draft


@dataclass(frozen=True)
class SaveResult:
    revision: Revision
    created: bool  # False: nothing changed, or the same form was submitted again
    merged: bool = False
    replayed: bool = False


# Text -----------------------------------------------------------------------------------------


def clean_title(value: str) -> str:
    title = " ".join(clean_plain_text(value or "").split())
    if not title:
        raise ValidationError(_("Give the page a title."), code="required")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("The title is too long: %(max)d characters at most (it has %(count)d).")
            % {"max": TITLE_MAX, "count": len(title)},
            code="max_length",
        )
    return title


def clean_body(value: str) -> str:
    """Line ends made ``\\n``, invisible control characters removed, one final newline."""
    body = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    body = INVISIBLE.sub("", body)
    body = "\n".join(line.rstrip() for line in body.split("\n")).strip("\n")
    limit = settings.WIKI_MAX_PAGE_CHARS
    if len(body) > limit:
        raise ValidationError(
            _(
                "The text is too long: %(max)s characters at most (it has %(count)s). Your "
                "text is still below: split it into several pages."
            )
            % {
                "max": f"{limit:,}".replace(",", "\u202f"),
                "count": f"{len(body):,}".replace(",", "\u202f"),
            },
            code="max_length",
        )
    return f"{body}\n" if body else ""


def clean_comment(value: str) -> str:
    comment = " ".join(clean_plain_text(value or "").split())
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            _("The comment is too long: %(max)d characters at most (it has %(count)d).")
            % {"max": COMMENT_MAX, "count": len(comment)},
            code="max_length",
        )
    return comment


def clean_token(value: str) -> str:
    token = (value or "").strip()
    if len(token) > TOKEN_MAX or not token.isascii() or not token.replace("-", "").isalnum():
        return ""  # a broken token only loses the double-submit protection
    return token


def clean_fields(title: str, body: str, comment: str = "") -> dict[str, str]:
    """Every field checked, every problem reported at once (field name → messages)."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, str] = {}
    for field, cleaner, value in (
        ("title", clean_title, title),
        ("body", clean_body, body),
        ("comment", clean_comment, comment),
    ):
        try:
            cleaned[field] = cleaner(value)
        except ValidationError as error:
            errors[field] = [error]
    if errors:
        raise ValidationError(errors)
    return cleaned


# Rendering ------------------------------------------------------------------------------------


def render(space: Any, body: str) -> markup.Rendered:
    """Rendered as a save stores it (links are placeholders, resolved for each reader)."""
    return markup.render(body)


def _toc(rendered: markup.Rendered) -> list[dict[str, Any]]:
    return [
        {"level": heading.level, "text": heading.text, "anchor": heading.anchor}
        for heading in rendered.toc
    ]


def _store_links(page: Page, rendered: markup.Rendered) -> None:
    """The page's outgoing links are those of its current text: for backlinks and the list of
    pages to create. A link to a space address that names no space is not stored."""
    spaces = links.target_spaces(rendered.links, page.space)
    wanted: dict[tuple[int, str], str] = {}
    for ref in rendered.links:
        space = spaces.get(ref.space)
        slug = page_slug(ref.name)
        if space is not None and (space.pk, slug) != (page.space_id, page.slug):
            wanted.setdefault((space.pk, slug), ref.name[:TITLE_MAX])
    existing = {
        (space_id, slug): pk
        for pk, space_id, slug in PageLink.objects.filter(from_page=page).values_list(
            "pk", "to_space_id", "to_slug"
        )
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        PageLink.objects.filter(pk__in=stale).delete()
    PageLink.objects.bulk_create(
        [
            PageLink(from_page=page, to_space_id=space_id, to_slug=slug, to_name=name)
            for (space_id, slug), name in wanted.items()
            if (space_id, slug) not in existing
        ]
    )


def _new_revision(
    access: ToolAccess,
    page: Page,
    *,
    number: int,
    kind: str,
    title: str,
    body: str,
    comment: str,
    token: str = "",
    source_number: int | None = None,
    previous: Revision | None = None,
) -> Revision:
    """The page's next revision; its followers are told (outbox, same transaction)."""
    rendered = render(access.space, body)
    now = timezone.now()
    revision = Revision.objects.create(
        page=page,
        space_id=page.space_id,
        number=number,
        kind=kind,
        title=title,
        body=body,
        html=rendered.html,
        toc=_toc(rendered),
        author=access.user,
        comment=comment,
        token=token,
        source_number=source_number,
        created_at=now,
    )
    page.current = revision
    page.title = title
    page.updated_at = now
    page.save(update_fields=["current", "title", "updated_at"])
    _store_links(page, rendered)
    if number > 1:
        notifications.page_changed(access, page, previous, revision)
    return revision


def _event(
    access: ToolAccess, kind: str, target: Page | PageTemplate | None, **payload: Any
) -> None:
    declared = MANIFEST.kind(kind)  # an undeclared kind is a programming error: KeyError
    record(
        space=access.space,
        actor=access.user,
        kind=declared.key,
        participation=declared.participation,
        target=target,
        payload=payload,
    )


def _fresh(access: ToolAccess, verb: str) -> ToolAccess:
    return tool_access_again(access, verb)


def _locked_page(access: ToolAccess, page_id: int) -> Page:
    page = (
        Page.objects.select_for_update()
        .filter(pk=page_id, space=access.space, deleted_at__isnull=True)
        .first()
    )
    if page is None:
        raise Http404
    return page


def _current(page: Page) -> Revision:
    revision = Revision.objects.filter(pk=page.current_id).first() if page.current_id else None
    if revision is None:  # a page always has a revision; one without is broken data
        raise Http404
    return revision


# Pages ----------------------------------------------------------------------------------------


def page_create(
    *, access: ToolAccess, title: str, body: str, comment: str = "", token: str = ""
) -> Page:
    """A new page with its first revision; the same form submitted twice gives the same page."""
    access.require(EDIT)
    cleaned = clean_fields(title, body, comment)
    token = clean_token(token)
    slug = page_slug(cleaned["title"])
    try:
        with transaction.atomic():
            # The tool row lock serialises page creations in the space (one address, one page).
            access = tool_access_again(access, EDIT, lock=True)
            if token:
                again = (
                    Revision.objects.filter(
                        page__space=access.space, number=1, token=token, author=access.user
                    )
                    .select_related("page")
                    .first()
                )
                if again is not None:
                    return again.page
            existing = Page.objects.filter(space=access.space, slug=slug).first()
            if existing is not None and existing.deleted_at is not None:
                raise ValidationError(
                    {
                        "title": [
                            ValidationError(
                                _(
                                    "A page named “%(title)s” is in the trash: a facilitator "
                                    "can restore it, or choose another title."
                                )
                                % {"title": existing.title},
                                code="in_trash",
                            )
                        ]
                    }
                )
            if existing is not None:
                raise ValidationError(
                    {
                        "title": [
                            ValidationError(
                                _("A page named “%(title)s” already exists in this space.")
                                % {"title": existing.title},
                                code="duplicate",
                            )
                        ]
                    }
                )
            now = timezone.now()
            page = Page.objects.create(
                space=access.space,
                title=cleaned["title"],
                slug=slug,
                created_by=access.user,
                created_at=now,
                updated_at=now,
            )
            _new_revision(
                access,
                page,
                number=1,
                kind=Revision.Kind.CREATED,
                title=cleaned["title"],
                body=cleaned["body"],
                comment=cleaned["comment"],
                token=token,
            )
            PageFollower.objects.create(page=page, user=access.user)  # its creator follows it
            # A new page takes its address back from a renamed page's former address.
            PageRedirect.objects.filter(space=access.space, old_slug=slug).delete()
            Draft.objects.filter(space=access.space, page=None, user=access.user).delete()
            _event(access, "wiki.page.created", page, title=page.title)
    except IntegrityError:  # a creation the lock did not serialise (another tool row)
        raise ValidationError(
            {"title": [ValidationError(_("A page with this title was just created."))]}
        ) from None
    return page


def _merge(base: str, current: str, mine: str) -> str | None:
    """The three-way merge of two edits of ``base``; None when they touch the same lines."""
    merger = Merge3(
        base.splitlines(keepends=True),
        current.splitlines(keepends=True),
        mine.splitlines(keepends=True),
    )
    lines: list[str] = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            return None
        lines.extend(group[1])
    return "".join(lines)


def _merge_title(base: str, current: str, mine: str) -> str | None:
    if mine in (base, current):
        return current
    if current == base:
        return mine
    return None


def page_save(
    *,
    access: ToolAccess,
    page: Page | int,
    title: str,
    body: str,
    comment: str = "",
    base_number: int,
    token: str = "",
) -> SaveResult:
    """Save an edit written from revision ``base_number``.

    - from the current revision: a new revision (none when nothing changed);
    - from an older one: the two edits are merged when they touch different lines, else
      ``EditConflict`` is raised once the person's text is stored as their draft;
    - the same ``token`` again: the revision the first submission made, nothing more.
    """
    access.require(EDIT)
    cleaned = clean_fields(title, body, comment)
    token = clean_token(token)
    page_id = page.pk if isinstance(page, Page) else page
    conflict: EditConflict | None = None
    with transaction.atomic():
        locked = _locked_page(access, page_id)
        access = _fresh(access, EDIT)
        if token:
            again = Revision.objects.filter(page=locked, token=token).first()
            if again is not None:
                return SaveResult(again, created=False, replayed=True)
        current = _current(locked)
        if base_number == current.number:
            new_title, new_body, kind, source = (
                cleaned["title"],
                cleaned["body"],
                Revision.Kind.EDITED,
                None,
            )
        else:
            base = (
                Revision.objects.filter(page=locked, number=base_number).first()
                if 0 < base_number < current.number
                else None
            )
            if base is None:
                raise ValidationError(
                    _("This edit starts from a version of the page that does not exist."),
                    code="base",
                )
            merged_body = _merge(base.body, current.body, cleaned["body"])
            merged_title = _merge_title(base.title, current.title, cleaned["title"])
            if merged_body is None or merged_title is None:
                draft = _store_draft(access, locked, cleaned["title"], cleaned["body"], base_number)
                conflict = EditConflict(
                    page=locked,
                    current=current,
                    title=cleaned["title"],
                    body=cleaned["body"],
                    draft=draft,
                )
            new_title, new_body, kind, source = (
                merged_title or "",
                merged_body or "",
                Revision.Kind.MERGED,
                current.number,
            )
        if conflict is None:
            if new_title == current.title and new_body == current.body:
                Draft.objects.filter(page=locked, user=access.user).delete()
                return SaveResult(current, created=False)
            if page_slug(new_title) != locked.slug:
                raise ValidationError(
                    {
                        "title": [
                            ValidationError(
                                _(
                                    "This title would change the page's address: keep the "
                                    "same words here (capitals and accents may change), and "
                                    "use “Rename” to give the page a new name."
                                ),
                                code="rename",
                            )
                        ]
                    }
                )
            revision = _new_revision(
                access,
                locked,
                number=current.number + 1,
                kind=kind,
                title=new_title,
                body=new_body,
                comment=cleaned["comment"],
                token=token,
                source_number=source,
                previous=current,
            )
            Draft.objects.filter(page=locked, user=access.user).delete()
            _event(
                access,
                "wiki.page.edited",
                locked,
                title=new_title,
                number=revision.number,
                merged=kind == Revision.Kind.MERGED,
            )
            return SaveResult(revision, created=True, merged=kind == Revision.Kind.MERGED)
    raise conflict  # after the commit: the draft is kept


def page_restore(
    *, access: ToolAccess, page: Page | int, number: int, comment: str = ""
) -> SaveResult:
    """A new revision with the title and text of revision ``number`` (history is never lost).

    Restoring the text the page already has changes nothing, so a double submit restores once.
    """
    access.require(EDIT)
    comment = clean_comment(comment)
    page_id = page.pk if isinstance(page, Page) else page
    with transaction.atomic():
        locked = _locked_page(access, page_id)
        access = _fresh(access, EDIT)
        current = _current(locked)
        old = Revision.objects.filter(page=locked, number=number).first()
        if old is None:
            raise Http404
        if old.title == current.title and old.body == current.body:
            return SaveResult(current, created=False)
        revision = _new_revision(
            access,
            locked,
            number=current.number + 1,
            kind=Revision.Kind.RESTORED,
            title=old.title,
            body=old.body,
            comment=comment or _("Restored revision %(number)d.") % {"number": old.number},
            source_number=old.number,
            previous=current,
        )
        _event(
            access,
            "wiki.page.restored",
            locked,
            title=revision.title,
            number=revision.number,
            restored=old.number,
        )
    return SaveResult(revision, created=True)


def page_view(*, access: ToolAccess, page: Page) -> None:
    """Count one reading (by name only where the space measures reading, DESIGN)."""
    if not access.can(READ):
        raise PermissionDenied
    record_view(
        space=access.space,
        actor=access.user,
        kind=MANIFEST.kind("wiki.page.viewed").key,
        target=page,
        membership=access.space_access.membership,
    )


def preview(*, access: ToolAccess, body: str) -> markup.Rendered:
    """What the text will look like, rendered and sanitised exactly as a save would."""
    access.require(EDIT)
    return render(access.space, clean_body(body))


# Drafts ---------------------------------------------------------------------------------------


def _store_draft(
    access: ToolAccess, page: Page | None, title: str, body: str, base_number: int | None
) -> Draft:
    draft, _created = Draft.objects.update_or_create(
        space=access.space,
        page=page,
        user=access.user,
        defaults={
            "title": title,
            "body": body,
            "base_number": base_number,
            "updated_at": timezone.now(),
        },
    )
    return draft


def draft_save(
    *,
    access: ToolAccess,
    page: Page | None,
    title: str,
    body: str,
    base_number: int | None = None,
) -> Draft:
    """Keep someone's unsaved text (autosave, or their side of a conflict). Drafts are private
    to their writer and record no activity."""
    access.require(EDIT)
    title = " ".join(INVISIBLE.sub("", title or "").split())[:TITLE_MAX]
    body = clean_body(body)
    with transaction.atomic():
        access = _fresh(access, EDIT)
        if page is not None:
            page = _locked_page(access, page.pk)
        return _store_draft(access, page, title, body, base_number if page is not None else None)


def draft_discard(*, access: ToolAccess, page: Page | None) -> int:
    """Throw away the person's own draft; the number of drafts removed (0 or 1)."""
    access.require(EDIT)
    deleted, _detail = Draft.objects.filter(
        space=access.space, page=page, user=access.user
    ).delete()
    return deleted


# Trash, renaming and the page tree ------------------------------------------------------------


def page_delete(*, access: ToolAccess, page: Page | int) -> Page:
    """Put a page in the trash: readers get 404, links to it show as "to create" again.

    Its revisions, links, former addresses and place in the tree are kept for a restore; its
    sub-pages stay where they are (shown at the top of the tree while it is in the trash).
    Deleting a page already in the trash changes nothing.
    """
    access.require(MANAGE)
    page_id = page.pk if isinstance(page, Page) else page
    with transaction.atomic():
        access = _fresh(access, MANAGE)
        locked = Page.objects.select_for_update().filter(pk=page_id, space=access.space).first()
        if locked is None:
            raise Http404
        if locked.deleted_at is not None:
            return locked
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at"])
        _event(access, "wiki.page.deleted", locked, title=locked.title)
    return locked


def page_undelete(*, access: ToolAccess, page: Page | int) -> Page:
    """Take a page out of the trash, as it was; restoring a live page changes nothing."""
    access.require(MANAGE)
    page_id = page.pk if isinstance(page, Page) else page
    with transaction.atomic():
        access = _fresh(access, MANAGE)
        locked = Page.objects.select_for_update().filter(pk=page_id, space=access.space).first()
        if locked is None:
            raise Http404
        if locked.deleted_at is None:
            return locked
        locked.deleted_at = None
        locked.save(update_fields=["deleted_at"])
        _event(access, "wiki.page.undeleted", locked, title=locked.title)
    return locked


def page_rename(*, access: ToolAccess, page: Page | int, title: str, comment: str = "") -> Page:
    """Give a page a new title, and the address that goes with it.

    The old address is kept as a redirect, so ``[[Old name]]`` links and bookmarks still lead
    to the page (links are resolved when a page is shown). The new title is a new revision
    (same text), so the history shows the rename. A title that keeps the address only changes
    the title; an address taken by another page (live or in the trash) is refused.
    """
    access.require(EDIT)
    new_title = clean_title(title)
    comment = clean_comment(comment)
    page_id = page.pk if isinstance(page, Page) else page
    with transaction.atomic():
        # The tool row lock serialises renames with creations (one address, one page).
        access = tool_access_again(access, EDIT, lock=True)
        locked = _locked_page(access, page_id)
        current = _current(locked)
        if new_title == current.title:
            return locked
        old_slug, new_slug = locked.slug, page_slug(new_title)
        if new_slug != old_slug:
            taken = Page.objects.filter(space=access.space, slug=new_slug).first()
            if taken is not None:
                raise ValidationError(
                    {
                        "title": [
                            ValidationError(
                                _("A page named “%(title)s” already exists in this space.")
                                % {"title": taken.title}
                                if taken.deleted_at is None
                                else _(
                                    "A page named “%(title)s” is in the trash: choose another "
                                    "title."
                                )
                                % {"title": taken.title},
                                code="duplicate",
                            )
                        ]
                    }
                )
            # Renaming back to a former address takes it back from its redirect.
            PageRedirect.objects.filter(space=access.space, old_slug=new_slug).delete()
            PageRedirect.objects.create(space=access.space, old_slug=old_slug, page=locked)
            locked.slug = new_slug
            locked.save(update_fields=["slug"])
        _new_revision(
            access,
            locked,
            number=current.number + 1,
            kind=Revision.Kind.EDITED,
            title=new_title,
            body=current.body,
            comment=comment or _("Renamed from “%(title)s”.") % {"title": current.title},
            previous=current,
        )
        _event(
            access,
            "wiki.page.renamed",
            locked,
            title=new_title,
            old_title=current.title,
            old_slug=old_slug,
        )
    return locked


def page_move(*, access: ToolAccess, page: Page | int, parent: Page | int | None) -> Page:
    """Place a page under another live page of the space (None: at the top of the tree).

    A page cannot go under itself or under one of its own sub-pages (no cycle).
    """
    access.require(EDIT)
    page_id = page.pk if isinstance(page, Page) else page
    parent_id = parent.pk if isinstance(parent, Page) else parent
    with transaction.atomic():
        # The tool row lock serialises moves: two crossed moves cannot make a cycle together.
        access = tool_access_again(access, EDIT, lock=True)
        locked = _locked_page(access, page_id)
        if parent_id == locked.parent_id:
            return locked
        new_parent: Page | None = None
        if parent_id is not None:
            new_parent = live_parent = (
                Page.objects.filter(pk=parent_id, space=access.space, deleted_at__isnull=True)
                .only("pk", "parent_id", "title")
                .first()
            )
            if live_parent is None:
                raise ValidationError(
                    {"parent": [ValidationError(_("Choose a page of this space."), code="parent")]}
                )
            parents = dict(Page.objects.filter(space=access.space).values_list("pk", "parent_id"))
            seen: set[int] = set()
            ancestor: int | None = live_parent.pk
            while ancestor is not None and ancestor not in seen:
                if ancestor == locked.pk:
                    raise ValidationError(
                        {
                            "parent": [
                                ValidationError(
                                    _(
                                        "A page cannot go under itself or under one of its "
                                        "own sub-pages."
                                    ),
                                    code="cycle",
                                )
                            ]
                        }
                    )
                seen.add(ancestor)
                ancestor = parents.get(ancestor)
        locked.parent = new_parent
        locked.save(update_fields=["parent"])
        _event(
            access,
            "wiki.page.moved",
            locked,
            title=locked.title,
            parent=new_parent.title if new_parent is not None else "",
        )
    return locked


# Following a page -----------------------------------------------------------------------------


def page_follow(*, access: ToolAccess, page: Page | int) -> bool:
    """Get an email when the page changes; True when the person did not follow it yet.

    Members of the space who may read the wiki may follow its pages (not visitors). Following
    is a private choice: no activity event.
    """
    if not notifications.may_follow(access):
        raise PermissionDenied
    page_id = page.pk if isinstance(page, Page) else page
    with transaction.atomic():
        locked = _locked_page(access, page_id)
        _follower, created = PageFollower.objects.get_or_create(page=locked, user=access.user)
    return created


def page_unfollow(*, access: ToolAccess, page: Page | int) -> bool:
    """Stop the emails about this page; True when the person followed it."""
    if not notifications.may_follow(access):
        raise PermissionDenied
    page_id = page.pk if isinstance(page, Page) else page
    deleted, _detail = PageFollower.objects.filter(
        page_id=page_id, page__space=access.space, user=access.user
    ).delete()
    return bool(deleted)


# Page templates -------------------------------------------------------------------------------


def _clean_line(value: str, limit: int, field: str, *, required: bool = False) -> str:
    try:
        text = " ".join(clean_plain_text(value or "").split())
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None
    if required and not text:
        raise ValidationError({field: [ValidationError(_("This field is required."), "required")]})
    if len(text) > limit:
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        _("Too long: %(max)d characters at most (it has %(count)d).")
                        % {"max": limit, "count": len(text)},
                        code="max_length",
                    )
                ]
            }
        )
    return text


def _template_row(access: ToolAccess, ref: str) -> PageTemplate | None:
    """The space's row for ``ref`` (locked), None for a built-in template never changed;
    404 for a reference the space does not have."""
    from coopilote.tools.wiki.page_templates import BUILTIN_KEYS

    rows = PageTemplate.objects.select_for_update().filter(space=access.space)
    if ref in BUILTIN_KEYS:
        return rows.filter(key=ref).first()
    row = rows.filter(key="", pk=int(ref)).first() if ref.isdigit() else None
    if row is None:
        raise Http404
    return row


def template_save(
    *,
    access: ToolAccess,
    ref: str | None,
    name: str,
    description: str = "",
    title: str = "",
    body: str = "",
) -> PageTemplate:
    """Create the space's own template (``ref`` None), or rewrite one: a built-in template
    rewritten becomes the space's version of it (shown again if it was hidden). Another template
    of the space with the same name is refused."""
    access.require(MANAGE)
    fields = {
        "name": _clean_line(name, TEMPLATE_NAME_MAX, "name", required=True),
        "description": _clean_line(description, COMMENT_MAX, "description"),
        "title": _clean_line(title, TITLE_MAX, "title"),
    }
    try:
        fields["body"] = clean_body(body)
    except ValidationError as error:
        raise ValidationError({"body": error.error_list}) from None
    from coopilote.tools.wiki.page_templates import space_templates

    with transaction.atomic():
        access = tool_access_again(access, MANAGE, lock=True)
        row = _template_row(access, ref) if ref is not None else None
        taken = [
            template
            for template in space_templates(access.space)
            if template.name.casefold() == fields["name"].casefold() and template.ref != ref
        ]
        if taken:
            raise ValidationError(
                {
                    "name": [
                        ValidationError(
                            _("The space already has a template named “%(name)s”.")
                            % {"name": taken[0].name},
                            code="duplicate",
                        )
                    ]
                }
            )
        if row is None:
            row = PageTemplate(space=access.space, key=ref or "")
        for field, value in fields.items():
            setattr(row, field, value)
        row.hidden = False
        row.updated_by = access.user
        row.updated_at = timezone.now()
        row.save()
        _event(access, "wiki.template.saved", row, name=row.name)
    return row


def template_remove(*, access: ToolAccess, ref: str) -> None:
    """Delete the space's own template, or take a built-in one out of the space's list (it can
    be shown again from the templates page)."""
    from coopilote.tools.wiki.page_templates import builtin

    access.require(MANAGE)
    with transaction.atomic():
        access = tool_access_again(access, MANAGE, lock=True)
        row = _template_row(access, ref)
        if row is None:  # a built-in template never changed: a hidden row keeps it out
            item = builtin(ref)
            assert item is not None
            row = PageTemplate(space=access.space, key=ref, name=str(item.name))
        elif row.hidden:
            return
        name = row.name
        if row.key:
            row.hidden = True
            row.updated_by = access.user
            row.updated_at = timezone.now()
            row.save()
        else:
            row.delete()
        _event(access, "wiki.template.removed", None, name=name)


def template_reset(*, access: ToolAccess, ref: str) -> bool:
    """A built-in template back as it comes (the space's changes dropped, shown again)."""
    from coopilote.tools.wiki.page_templates import BUILTIN_KEYS

    access.require(MANAGE)
    if ref not in BUILTIN_KEYS:
        raise Http404
    with transaction.atomic():
        access = tool_access_again(access, MANAGE, lock=True)
        deleted, _detail = PageTemplate.objects.filter(space=access.space, key=ref).delete()
        if deleted:
            _event(access, "wiki.template.reset", None, key=ref)
    return bool(deleted)
