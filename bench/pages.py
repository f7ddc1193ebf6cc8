"""The pages the bench measures. Add a page here (and its data in django_side.seed()).

``path``, ``location`` and each ``expect`` text may use ``{placeholders}`` filled from the facts
returned by ``django_side.seed()``. ``user`` names one of the seeded users whose logged-in session
is sent, or is None for an anonymous visitor. Every response must be 200 and, when checked (at
warm-up and at the end), contain every ``expect`` text: a logged-in page that redirects to the
login form, or renders it, fails the run instead of being measured. ``requires`` names a fact
that must be true for the page to be measured (a page that later work adds: skipped until it
exists).

A ``method="POST"`` page is a save through the wiki edit form at ``path`` (``run.EditForm``):
every response must be a 302 to ``location``, and every save must add one revision.

A ``memory=True`` page is a streamed download (the library's exports): its latency is the time
to read the whole body, and the worker's memory is read before and after its first request
(``run.memory_probe``), then after its last.

``budget`` caps the requests a page may have in a run, the query count's four included: the
library's exports are limited to 20 an hour per person (SEC-T36), so each is measured with its
own person, a few requests a round, and never waits a warm-up loop.
"""

from __future__ import annotations

from dataclasses import dataclass

# The library's exports: 20 an hour per person (tools/library/views_export.py, SEC-T36).
EXPORTS_PER_HOUR = 20


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str | None
    expect: tuple[str, ...]
    description: str
    requires: str = ""
    method: str = "GET"
    location: str = ""  # POST: where the 302 must lead
    memory: bool = False  # streamed: watch the worker's memory around it
    budget: int = 0  # most requests in a run, 0 for no limit

    @property
    def status(self) -> int:
        return 302 if self.method == "POST" else 200

    def resolve(self, facts: dict[str, object]) -> Page:
        return Page(
            name=self.name,
            path=self.path.format(**facts),
            user=self.user,
            expect=tuple(text.format(**facts) for text in self.expect),
            description=self.description,
            requires=self.requires,
            method=self.method,
            location=self.location.format(**facts),
            memory=self.memory,
            budget=self.budget,
        )


BASELINE = Page(
    name="baseline",
    path="/baseline/",
    user=None,
    expect=("<p>ok</p>",),
    description="trivial page through the full middleware stack (the denominator)",
)

PAGES: list[Page] = [
    BASELINE,
    Page(
        name="login",
        path="/accounts/login/",
        user=None,
        expect=('name="password"', 'name="csrfmiddlewaretoken"'),
        description="login form, anonymous",
    ),
    Page(
        name="profile",
        path="/accounts/profile/",
        user="member",
        expect=("{member_name}", "{member_organisation}", "Agroécologie"),
        description="own profile with skills and interests, logged in",
    ),
    Page(
        name="home",
        path="/",
        user="member",
        expect=("{member_name}", 'action="/accounts/logout/"'),
        description="home page with 200 spaces, logged in (own spaces, invitations)",
    ),
    Page(
        name="home_anon",
        path="/",
        user=None,
        expect=('class="card space-card"', 'rel="next"'),
        description="home page with 200 spaces, anonymous",
    ),
    Page(
        name="directory",
        path="/s/{network_slug}/membres/",
        user="member",
        expect=("{network_members}", 'rel="next"', 'class="card member-card"'),
        description="member directory, 50 a page of 2,000, unfiltered",
    ),
    Page(
        name="dir_role",
        path="/s/{network_slug}/membres/?role=facilitator",
        user="member",
        expect=('class="card member-card"', 'value="facilitator" selected'),
        description="member directory filtered by role",
    ),
    Page(
        name="dir_skill",
        path="/s/{network_slug}/membres/?skill={skill_slug}",
        user="member",
        # No rel="next" expected: at tiny scales no skill fills a second page.
        expect=("{skill_members}", 'value="{skill_slug}" selected'),
        description="member directory filtered by skill",
    ),
    Page(
        name="dir_search",
        path="/s/{network_slug}/membres/?q={search}",
        user="member",
        expect=('class="card member-card"', 'value="{search}"'),
        description="member directory, text search",
    ),
    Page(
        name="space",
        path="/s/{network_slug}/",
        user="member",
        expect=("{network_name}", "{member_name}"),
        description="gare centrale of the network: blocks, tools, recent activity of 1M events",
    ),
    Page(
        name="feed",
        path="/s/{network_slug}/activite/",
        user="member",
        expect=("{network_name}", "{member_name}"),
        description="activity feed of the network, first page, over 1M events",
        requires="has_feed",
    ),
    Page(
        name="wiki_page",
        path="/s/{network_slug}/wiki/{wiki_page}/",
        user="member",
        expect=("{wiki_page_title}", 'class="wiki-toc', 'class="wiki-link"', "<table>"),
        description="wiki page of 4 KB with 15 links and a table of contents, of 400 pages",
    ),
    Page(
        name="wiki_history",
        path="/s/{network_slug}/wiki/{wiki_page}/historique/",
        user="member",
        expect=('class="table wiki-history"', "?from=19&amp;to=20"),
        description="history of that page, its 20 revisions",
    ),
    Page(
        name="wiki_diff",
        path="/s/{network_slug}/wiki/{wiki_page}/differences/?from=1&to=20",
        user="member",
        expect=('class="table wiki-diff"', "wiki-diff__line--added"),
        description="differences between its revisions 1 and 20",
    ),
    Page(
        name="wiki_changes",
        path="/s/{network_slug}/wiki/changements/",
        user="member",
        expect=('class="table wiki-changes"', 'class="pagination"'),
        description="recent changes of the space, first 50 of 8,000 revisions",
    ),
    Page(
        name="wiki_index",
        path="/s/{network_slug}/wiki/",
        user="member",
        expect=('class="pagination"', "wiki-link--missing"),
        description="index of the 400 pages (100 a screen), with the pages to create",
    ),
    Page(
        name="wiki_save",
        path="/s/{network_slug}/wiki/{wiki_save_page}/modifier/",
        user="member",
        expect=(),
        description="saving an edit of a 4 KB page through its form (302 to the page)",
        method="POST",
        location="/s/{network_slug}/wiki/{wiki_save_page}/",
    ),
    Page(
        name="lib_index",
        path="/s/{network_slug}/bibliotheque/",
        user="member",
        expect=(
            '<p role="status">{library_count} ',
            'class="card library-card"',
            "{library_newest_title}",
            'rel="next"',
        ),
        description="library, first 30 of 20,000 resources, newest first",
        requires="has_library",
    ),
    Page(
        name="lib_tag",
        path="/s/{network_slug}/bibliotheque/?tag={library_tag_slug}",
        user="member",
        expect=(
            '<p role="status">{library_tag_count} ',
            'value="{library_tag_slug}"',
            'class="card library-card"',
        ),
        description="library filtered by its most used tag",
        requires="has_library",
    ),
    Page(
        name="lib_search",
        path="/s/{network_slug}/bibliotheque/?type={library_search_type}"
        "&licence={library_search_licence}&q={library_search}",
        user="member",
        expect=(
            '<p role="status">{library_search_count} ',
            'value="{library_search}"',
            'value="{library_search_licence}" selected',
        ),
        description="library filtered by type and licence, with a text search",
        requires="has_library",
    ),
    Page(
        name="lib_resource",
        path="/s/{network_slug}/bibliotheque/{library_resource}/",
        user="member",
        expect=(
            "{library_resource_title}",
            '<td>3 <span class="badge badge--success">',
            "{library_comment}",
            'class="tag"',
        ),
        description="a PDF resource: preview, 3 versions, 4 tags, 6 comments (view counted)",
        requires="has_library",
    ),
    Page(
        name="lib_collection",
        path="/s/{network_slug}/bibliotheque/collections/{library_collection}/",
        user="member",
        expect=(
            "library-collection__introduction",
            'class="library-collection__item"',
            "{library_collection_last}",
            "{library_group_name}",
        ),
        description="a collection of 40 resources, two shared from a working group",
        requires="has_library",
    ),
    Page(
        name="lib_csv",
        path="/s/{network_slug}/bibliotheque/export.csv",
        user="member",
        expect=("{library_newest_id}", "{library_oldest_id}"),
        description="CSV export of the 20,000 resources, streamed (whole body read)",
        requires="has_library",
        memory=True,
        budget=EXPORTS_PER_HOUR,
    ),
    Page(
        name="lib_json",
        path="/s/{network_slug}/bibliotheque/export.json",
        user="reader",
        expect=('"resources": [', "{library_newest_id}", "{library_oldest_id}"),
        description="JSON export of the 20,000 resources, streamed (whole body read)",
        requires="has_library",
        memory=True,
        budget=EXPORTS_PER_HOUR,
    ),
]
