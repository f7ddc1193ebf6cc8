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
"""

from __future__ import annotations

from dataclasses import dataclass


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
]
