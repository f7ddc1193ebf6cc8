"""Wiki markup: [[links]], heading anchors and the table of contents, sanitisation (SEC-T23)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from coopilote.accounts.tests.helpers import in_french
from coopilote.core.markdown import render_markdown
from coopilote.spaces.registry import EmbedRef
from coopilote.tools.wiki.markup import (
    Heading,
    LinkRef,
    LinkTarget,
    clean,
    link_ref,
    placeholders,
    render,
    resolve_embeds,
    resolve_links,
    slugify,
)
from coopilote.tools.wiki.tests.xss_corpus import CORPUS, SEC_T23, problems


@pytest.fixture(autouse=True)
def _english():
    """The structure is checked in the source language; French has tests of its own."""
    with translation.override("en"):
        yield


PAGES = {
    "Charte de fonctionnement": LinkTarget("/s/reseau/wiki/charte/", exists=True),
    "Compte rendu": LinkTarget("/s/reseau/wiki/compte-rendu/", exists=True),
    "Fiche projet": LinkTarget("/s/reseau/wiki/new/?title=Fiche+projet", exists=False),
}


class Resolver:
    """Known pages resolve; any other name belongs to a space the reader cannot see."""

    def __init__(self, pages: dict[str, LinkTarget] | None = None) -> None:
        self.pages = PAGES if pages is None else pages
        self.asked: list[list[str]] = []

    def __call__(self, refs: list[LinkRef]) -> dict[LinkRef, LinkTarget | None]:
        self.asked.append([ref.name for ref in refs])
        return {ref: self.pages.get(ref.name) for ref in refs}


@dataclass
class Shown:
    stored: str  # what a save keeps: placeholders
    html: str  # what the reader sees
    toc: list[Heading]
    links: list[str]


def wiki(body: str, resolve: Resolver | None = None) -> Shown:
    rendered = render(body)
    return Shown(
        stored=rendered.html,
        html=resolve_links(rendered.html, resolve or Resolver()),
        toc=rendered.toc,
        links=[ref.name for ref in rendered.links],
    )


def anchors_in(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


# ---------------------------------------------------------------------------- [[links]]
def test_link_to_an_existing_page_is_a_plain_wiki_link() -> None:
    result = wiki("Voir [[Charte de fonctionnement]].")
    assert '<a href="/s/reseau/wiki/charte/" class="wiki-link"' in result.html
    assert ">Charte de fonctionnement</a>" in result.html
    assert "wiki-link--missing" not in result.html
    assert result.links == ["Charte de fonctionnement"]


def test_link_label_replaces_the_page_name_in_the_text() -> None:
    result = wiki("Voir [[Charte de fonctionnement|notre charte]].")
    assert ">notre charte</a>" in result.html
    assert "Charte de fonctionnement" not in result.html
    assert result.links == ["Charte de fonctionnement"]


def test_link_to_a_missing_page_is_marked_to_create_in_words_and_class() -> None:
    result = wiki("À écrire : [[Fiche projet]]")
    assert anchors_in(result.html) == ["/s/reseau/wiki/new/?title=Fiche+projet"]
    assert 'class="wiki-link wiki-link--missing"' in result.html
    assert '<span class="visually-hidden"> (page to create)</span></a>' in result.html


def test_missing_page_hint_is_translated() -> None:
    with translation.override("fr"):
        result = wiki("[[Fiche projet]]")
    assert f"> {in_french('(page to create)')}</span>" in result.html


def test_link_the_reader_may_not_see_is_plain_text_without_the_title() -> None:
    result = wiki("Secret : [[Plan de licenciement|voir ici]] et [[Autre espace]].")
    assert "<a" not in result.html
    assert "voir ici" in result.html
    assert "Plan de licenciement" not in result.html
    assert "Autre espace" in result.html  # no label: the author's own words stay
    assert result.links == ["Plan de licenciement", "Autre espace"]


def test_links_are_deduplicated_in_order_and_each_name_resolved_once() -> None:
    resolver = Resolver()
    result = wiki(
        "[[Compte rendu]] [[Fiche projet]] [[Compte rendu|le CR]] [[Fiche projet]]", resolver
    )
    assert result.links == ["Compte rendu", "Fiche projet"]
    assert resolver.asked == [["Compte rendu", "Fiche projet"]]  # one batch, each name once
    assert anchors_in(result.html).count("/s/reseau/wiki/compte-rendu/") == 2


def test_link_names_have_whitespace_normalised() -> None:
    result = wiki("[[  Charte   de\tfonctionnement  |  la charte ]]")
    assert result.links == ["Charte de fonctionnement"]
    assert ">la charte</a>" in result.html


@pytest.mark.parametrize(
    "body",
    [
        "Code : `[[Compte rendu]]`",
        "```\n[[Compte rendu]]\n```",
        "    [[Compte rendu]]",
        "``[[Compte rendu|x]]``",
    ],
    ids=["code-span", "fenced", "indented", "double-backticks"],
)
def test_links_inside_code_are_not_parsed(body: str) -> None:
    resolver = Resolver()
    result = wiki(body, resolver)
    assert result.links == []
    assert resolver.asked == []
    assert "[[Compte rendu" in result.html
    assert "<a" not in result.html


@pytest.mark.parametrize(
    "body", ["[[]]", "[[ | label]]", "[[Compte\nrendu]]", "[[a [b] c]]", "[[" + "x" * 400 + "]]"]
)
def test_malformed_links_stay_text(body: str) -> None:
    result = wiki(body)
    assert result.links == []
    assert "<a" not in result.html


def test_link_in_a_table_cell_takes_an_escaped_pipe() -> None:
    result = wiki("| Page | Note |\n|---|---|\n| [[Compte rendu\\|le CR]] | ok |")
    assert '<td><a href="/s/reseau/wiki/compte-rendu/" class="wiki-link"' in result.html
    assert ">le CR</a></td>" in result.html
    assert result.links == ["Compte rendu"]


def test_link_inside_a_markdown_link_text_does_not_nest_anchors() -> None:
    # As for any link inside a link in CommonMark, the inner one wins.
    result = wiki("[voir [[Compte rendu]]](https://example.org/)")
    assert anchors_in(result.html) == ["/s/reseau/wiki/compte-rendu/"]
    assert "](https://example.org/)" in result.html
    assert result.links == ["Compte rendu"]


def test_link_markup_in_the_label_is_escaped() -> None:
    result = wiki("[[Compte rendu|<b>gras</b> & co]]")
    assert ">&lt;b&gt;gras&lt;/b&gt; &amp; co</a>" in result.html


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://evil.example/", "//evil.example/", "/\\evil.example"]
)
def test_a_resolved_url_off_the_site_is_dropped(url: str) -> None:
    result = wiki("[[X]]", Resolver({"X": LinkTarget(url, exists=True)}))
    assert result.html == "<p>X</p>\n"


def test_stored_html_holds_placeholders_that_name_no_url_and_no_state() -> None:
    stored = wiki("[[Charte de fonctionnement]] [[Fiche projet]]").stored
    assert "href" not in stored
    assert "wiki-link--missing" not in stored and "to create" not in stored
    assert placeholders(stored) == [
        LinkRef("", "Charte de fonctionnement"),
        LinkRef("", "Fiche projet"),
    ]


def test_html_without_links_is_shown_without_asking_the_resolver() -> None:
    resolver = Resolver()
    assert wiki("Pas de lien ici.", resolver).html == "<p>Pas de lien ici.</p>\n"
    assert resolver.asked == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("reseau-eau:Charte", LinkRef("reseau-eau", "Charte")),
        ("reseau-eau:  Plan   d’action ", LinkRef("reseau-eau", "Plan d’action")),
        ("Compte rendu : mars", LinkRef("", "Compte rendu : mars")),
        ("Réunion:2026", LinkRef("", "Réunion:2026")),
        ("Reseau:Charte", LinkRef("", "Reseau:Charte")),
        ("reseau-eau:", LinkRef("", "reseau-eau:")),
        ("-reseau:Charte", LinkRef("", "-reseau:Charte")),
    ],
)
def test_a_lower_case_address_and_a_colon_name_a_page_of_another_space(
    written: str, expected: LinkRef
) -> None:
    assert link_ref(written) == expected


def test_a_link_to_another_space_keeps_its_written_form_as_label() -> None:
    target = LinkTarget("/s/reseau-eau/wiki/charte/", exists=True)
    resolver = Resolver({"Charte": target})
    shown = wiki("[[reseau-eau:Charte]] et [[reseau-eau:Charte|la charte du réseau]]", resolver)
    assert placeholders(shown.stored) == [LinkRef("reseau-eau", "Charte")]
    assert ">reseau-eau:Charte</a>" in shown.html
    assert ">la charte du réseau</a>" in shown.html


def test_placeholder_attributes_with_quotes_and_brackets_come_back_intact() -> None:
    stored = wiki('[[A "b" <c> & d\'e|x]]').stored
    assert placeholders(stored) == [LinkRef("", 'A "b" <c> & d\'e')]


# ---------------------------------------------------------------------------- headings
def test_headings_are_shifted_so_the_page_title_is_the_only_h1() -> None:
    html = wiki("# Un\n\n## Deux\n\n##### Cinq\n\n###### Six").html
    assert "<h1" not in html
    assert [int(level) for level in re.findall(r"<h(\d)", html)] == [2, 3, 6, 6]


def test_headings_get_slug_anchors_with_french_accents_handled() -> None:
    result = wiki("# Réunion d’équipe\n\n## Œuvres à l'été\n\n### Ça déménage : où ? Ô !")
    assert [heading.anchor for heading in result.toc] == [
        "h-reunion-d-equipe",
        "h-oeuvres-a-l-ete",
        "h-ca-demenage-ou-o",
    ]
    for heading in result.toc:
        assert f'id="{heading.anchor}"' in result.html  # kept by the sanitiser


def test_duplicate_headings_get_numbered_anchors() -> None:
    result = wiki("## Décisions\n\n## Décisions\n\n## Decisions\n\n## Décisions 2")
    assert [heading.anchor for heading in result.toc] == [
        "h-decisions",
        "h-decisions-2",
        "h-decisions-3",
        "h-decisions-2-2",
    ]
    assert len(set(re.findall(r'id="([^"]+)"', result.html))) == 4


def test_heading_without_latin_letters_still_gets_an_anchor() -> None:
    result = wiki("# 会议\n\n# !!!")
    assert [heading.anchor for heading in result.toc] == ["h-section", "h-section-2"]


def test_toc_lists_levels_and_plain_text() -> None:
    result = wiki(
        "# **Charte** et `code`\n\nTexte\n\nSous-titre\n---\n\n### Voir [[Compte rendu|le CR]]"
    )
    assert result.toc == [
        Heading(level=2, text="Charte et code", anchor="h-charte-et-code"),
        Heading(level=3, text="Sous-titre", anchor="h-sous-titre"),
        Heading(level=4, text="Voir le CR", anchor="h-voir-le-cr"),
    ]


def test_anchors_are_stable_between_renders() -> None:
    body = "# A\n\n# A\n\n## B"
    assert wiki(body).toc == wiki(body).toc


def test_slugify_is_ascii_lowercase_and_bounded() -> None:
    assert slugify("  Fiche — Projet « Vélo » ") == "fiche-projet-velo"
    assert slugify("Straße Søren ŁÓDŹ") == "strasse-soren-lodz"
    assert len(slugify("a" * 500)) == 80


# ---------------------------------------------------------------------------- rest of Markdown
def test_tables_render_with_header_cells_and_alignment() -> None:
    html = wiki("| Nom | Rôle |\n|:---|---:|\n| Alix | animatrice |").html
    assert '<th align="left">Nom</th>' in html
    assert '<td align="right">animatrice</td>' in html


def test_raw_html_is_shown_as_text() -> None:
    assert "&lt;b&gt;gras&lt;/b&gt;" in wiki("<b>gras</b>").html


def test_ordinary_links_keep_safe_urls_with_rel() -> None:
    html = wiki("[site](https://example.org/a?b=1) [mail](mailto:a@example.org)").html
    assert anchors_in(html) == ["https://example.org/a?b=1", "mailto:a@example.org"]
    assert 'rel="nofollow noopener noreferrer"' in html


def test_core_render_markdown_keeps_its_behaviour() -> None:
    html = render_markdown("# Titre\n\n[[Page]] <i>x</i>")
    assert html.startswith("<h2>Titre</h2>")
    assert "[[Page]]" in html
    assert "&lt;i&gt;" in html


def test_huge_page_renders_completely() -> None:
    block = "## Section {n}\n\nDu texte **gras** avec [[Compte rendu]] et [un lien](https://example.org).\n\n"
    body = "".join(block.format(n=n) for n in range(2500))[:200_000]
    assert len(body) == 200_000
    result = wiki(body)
    assert len(result.toc) > 2000
    assert result.links == ["Compte rendu"]
    assert result.toc[-1].anchor in result.html


@pytest.mark.parametrize(
    "body",
    ["[[" * 100_000, "[[a|" * 50_000, "`" * 200_000, "> " * 100_000, "*a " * 66_000],
    ids=["open-wikilinks", "pipes", "backticks", "quotes", "emphasis"],
)
def test_pathological_huge_inputs_render(body: str) -> None:
    assert isinstance(wiki(body).html, str)


# ---------------------------------------------------------------------------- SEC-T23
def test_checker_sees_every_kind_of_danger() -> None:
    """The corpus tests below can fail: the checker catches each kind of leak."""
    for dangerous in [
        "<script>alert(1)</script>",
        '<a href="JaVa&#x53;cript:alert(1)">x</a>',
        '<a href=" data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
        '<p onclick="x">x</p>',
        "<iframe></iframe>",
        "<base href=x>",
        "<meta charset=utf-8>",
        "<form></form>",
        '<p style="x">x</p>',
    ]:
        assert problems(dangerous), dangerous


def test_corpus_holds_every_sec_t23_payload() -> None:
    assert len(SEC_T23) == 15


@pytest.mark.parametrize("payload", CORPUS.values(), ids=CORPUS.keys())
def test_xss_payload_in_markdown_is_neutralised(payload: str) -> None:
    shown = wiki(payload)
    assert problems(shown.stored) == []
    html = shown.html
    assert problems(html) == []
    assert not re.search(r"(?i)<(script|iframe|base|meta|form|img|svg|math|style)\b", html)


@pytest.mark.parametrize("payload", CORPUS.values(), ids=CORPUS.keys())
def test_xss_payload_as_html_is_neutralised_by_the_allowlist(payload: str) -> None:
    """The second wall alone: the sanitiser given the payload as raw HTML."""
    html = clean(payload)
    assert problems(html) == []
    assert not re.search(r"(?i)<(script|iframe|base|meta|form|img|svg|math|style)\b", html)


def test_allowlist_keeps_only_the_wiki_classes_and_heading_ids() -> None:
    html = clean(
        '<a href="/x" class="evil wiki-link wiki-link--missing">x</a>'
        '<span class="visually-hidden other">y</span><h2 id="h-a" class="c">t</h2>'
        '<p id="main">p</p><a href="/y" id="z">z</a>'
    )
    assert 'class="wiki-link wiki-link--missing"' in html
    assert 'class="visually-hidden"' in html
    assert '<h2 id="h-a">' in html
    assert "evil" not in html and "other" not in html
    assert 'id="main"' not in html and 'id="z"' not in html


# ---------------------------------------------------------------------------- ![[embeds]]
RID = "0123456789abcdef0123456789abcdef"


def placeholder(target: str = RID, caption: str = "", scheme: str = "library") -> str:
    return f'<div data-embed-scheme="{scheme}" data-embed-id="{target}">{caption}</div>\n'


class Embeds:
    """Shows each embed as ``[scheme:target:caption]``, except targets named ``hidden``."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[EmbedRef]]] = []

    def __call__(self, scheme: str, refs: list[EmbedRef]) -> dict[EmbedRef, str]:
        self.asked.append((scheme, refs))
        return {
            ref: f"[{ref.scheme}:{ref.target}:{ref.caption}]"
            for ref in refs
            if ref.target != "hidden"
        }


def test_an_embed_is_stored_as_a_placeholder_holding_only_what_was_written() -> None:
    assert render(f"![[library:{RID}|Une mare]]").html == placeholder(caption="Une mare")
    assert render(f"![[ library:{RID} ]]").html == placeholder()


def test_an_embed_is_lifted_out_of_its_paragraph_which_keeps_its_text() -> None:
    html = render(f"Voici la mare :\n![[library:{RID}|Mare]] et la suite.").html
    assert html == f"<p>Voici la mare :</p>\n{placeholder(caption='Mare')}<p>et la suite.</p>\n"


def test_an_embed_in_a_list_item_or_quote_becomes_a_block_there() -> None:
    assert render(f"- ![[library:{RID}]]").html == f"<ul>\n<li>\n{placeholder()}</li>\n</ul>\n"
    quoted = render(f"> ![[library:{RID}]]\n> dit-elle").html
    assert quoted == f"<blockquote>\n{placeholder()}<p>dit-elle</p>\n</blockquote>\n"


@pytest.mark.parametrize(
    "body",
    [
        f"# Titre ![[library:{RID}]]",
        f"*en ![[library:{RID}]] italique*",
        f"| a |\n|---|\n| ![[library:{RID}]] |",
    ],
    ids=["heading", "emphasis", "table-cell"],
)
def test_where_a_block_cannot_go_the_embed_stays_as_written(body: str) -> None:
    html = render(body).html
    assert f"![[library:{RID}]]" in html
    assert "data-embed" not in html


@pytest.mark.parametrize(
    "body",
    [
        f"`![[library:{RID}]]`",
        "![[library:]]",
        "![[library:a b]]",
        "![[library:" + "a" * 65 + "]]",
        "![[Library:abc]]",
        "![[library:abc\ndef]]",
        f"[voir ![[library:{RID}]]](https://example.org/)",
    ],
    ids=["code", "empty", "space", "too-long", "upper-case", "newline", "in-a-link"],
)
def test_malformed_embeds_are_not_placeholders(body: str) -> None:
    assert "data-embed" not in render(body).html


def test_a_scheme_no_tool_registered_stays_a_link_to_another_space() -> None:
    result = wiki("![[reseau:Compte rendu]]")
    assert "data-embed" not in result.stored
    assert result.links == ["Compte rendu"]
    assert result.stored.startswith('<p>!<a data-wiki-space="reseau"')


def test_the_caption_is_escaped_and_comes_back_intact() -> None:
    caption = "<b>mare</b> & \"co\" ' l'été"
    stored = render(f"![[library:{RID}|{caption}]]").html
    assert "<b>" not in stored
    embeds = Embeds()
    resolve_embeds(stored, embeds)
    assert embeds.asked == [("library", [EmbedRef("library", RID, caption)])]


def test_embeds_are_resolved_once_per_scheme_with_every_embed_of_it() -> None:
    stored = (
        placeholder("a", "un")
        + placeholder("b", "")
        + placeholder("a", "un")
        + placeholder("x", "", scheme="agenda")
        + placeholder("a", "autre")
    )
    embeds = Embeds()
    html = resolve_embeds(stored, embeds)
    assert embeds.asked == [
        (
            "library",
            [
                EmbedRef("library", "a", "un"),
                EmbedRef("library", "b"),
                EmbedRef("library", "a", "autre"),
            ],
        ),
        ("agenda", [EmbedRef("agenda", "x")]),
    ]
    assert html == "[library:a:un][library:b:][library:a:un][agenda:x:][library:a:autre]"


def test_an_embed_the_reader_may_not_see_leaves_nothing_not_even_its_caption() -> None:
    html = resolve_embeds(f"<p>Avant</p>\n{placeholder('hidden', 'Légende')}", Embeds())
    assert html == "<p>Avant</p>\n"


def test_html_without_embeds_is_shown_without_asking_any_tool() -> None:
    embeds = Embeds()
    assert resolve_embeds("<p>Rien</p>\n", embeds) == "<p>Rien</p>\n"
    assert embeds.asked == []


def test_the_allowlist_keeps_embed_placeholders_and_nothing_more_on_them() -> None:
    html = clean('<div data-embed-scheme="library" data-embed-id="a" class="x" onclick="y">c</div>')
    assert html == '<div data-embed-scheme="library" data-embed-id="a">c</div>'
