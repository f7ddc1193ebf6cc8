"""The resource library of the demo network (``spaces/demo.py``), filled by its people over months.

The network and its two working groups pool about twenty-five resources in French: pictures
drawn here with Pillow (a sketch map of ponds, a hedge diagram, a pond profile), small PDFs, a
CSV of pond surveys, a Markdown guide, links to public sites and written notes, each with its
type, source, licence and tags. The wetlands group shares a few of its resources into the
network, the network shares its hedge diagram into the farming group; the network has two
collections (a welcome kit and a consultation toolbox); members mark favourites, comment, read
and download. The survey sheet has two versions. The ponds project sheet of the network's wiki
shows the sketch map with ``![[library:<id>|caption]]``.

Every write goes through the library's real actions, in the order it "happened", and is then
moved back to its moment with the spaces demo's ``_then`` and ``_moment``; the daily rollups are
computed again for those days. The files are made in memory at load time and stored like any
upload (in the data folder's media).

Idempotent: once the network's library is enabled (by this seeder or by hand), nothing is
touched.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

# People, by their name in the demo network (spaces/demo.py MEMBERS).
CAMILLE = "Camille Martin"
ELISE = "Élise Girard"
AICHA = "Aïcha Benali"
BRUNO = "Bruno Lefèvre"
FATOU = "Fatou Diop"
INES = "Inès Fontaine"
LUCAS = "Lucas Bernard"
CHLOE = "Chloé Moreau"
DAVID = "David Nguyen"
GUILLAUME = "Guillaume Roux"
SAMUEL = "Samuel Ferreira"
OLIVIER = "Olivier Dumas"
PAULINE = "Pauline Carré"
MARGAUX = "Margaux Lemoine"
LENA = "Léna Rivière"
KARIM = "Karim Bensaïd"
MANON = "Manon Chevalier"
THEO = "Théo Gauthier"

NETWORK, WETLANDS, FARMING = "network", "wetlands", "farming"  # keys of spaces/demo.py spaces
RANDOM_SEED = 37
# The picture the network's wiki shows on its ponds project sheet.
EMBEDDED = "pond_map"
EMBED_CAPTION = "Croquis des mares du Chinonais, dessiné par Fatou après la première saison"


# Files, made at load time ---------------------------------------------------------------------


@functools.cache
def _font(size: int) -> tuple[Any, bool]:
    """DejaVu Sans where the system has it (Debian does), with whether it has accents: Pillow's
    own font, the fallback, has none."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def _label(draw: Any, xy: tuple[int, int], text: str, size: int, fill: Any = (30, 30, 30)) -> None:
    font, accents = _font(size)
    if not accents:
        folded = unicodedata.normalize("NFKD", text.replace("—", "-"))
        text = folded.encode("ascii", "ignore").decode()
    draw.text(xy, text, fill=fill, font=font)


def _png(image: Any) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def pond_map(today: date) -> bytes:
    """A sketch map: the Vienne, the villages, the ponds coloured by state, a legend."""
    from PIL import Image, ImageDraw

    rng = random.Random(RANDOM_SEED)  # noqa: S311  (a drawing, not a secret)
    image = Image.new("RGB", (900, 620), (238, 242, 226))
    draw = ImageDraw.Draw(image)
    _label(draw, (30, 20), "Mares du Chinonais — croquis de terrain", 28, (30, 50, 40))
    river = [(0, 470), (150, 450), (300, 485), (450, 455), (600, 470), (750, 430), (900, 445)]
    draw.line(river, fill=(70, 130, 200), width=14, joint="curve")
    _label(draw, (640, 480), "la Vienne", 20, (40, 90, 160))
    draw.line([(80, 120), (260, 250), (470, 300), (880, 220)], fill=(170, 160, 150), width=4)
    villages = {
        "Chinon": (470, 380),
        "Beaumont-en-Véron": (150, 190),
        "Huismes": (430, 130),
        "Seuilly": (360, 545),
        "Cravant-les-Côteaux": (660, 300),
    }
    for name, (x, y) in villages.items():
        draw.rectangle((x - 6, y - 6, x + 6, y + 6), fill=(120, 80, 60))
        _label(draw, (x + 12, y - 12), name, 18, (60, 40, 30))
    states = [
        ((60, 140, 220), "en eau"),
        ((230, 180, 60), "à sec l'été"),
        ((150, 150, 150), "comblée"),
    ]
    ponds: list[tuple[int, int]] = []
    while len(ponds) < 40:  # apart from each other and from the villages' names
        x, y = rng.randint(40, 850), rng.randint(90, 410)
        taken = [*ponds, *villages.values()]
        if all(abs(x - u) > 45 or abs(y - v) > 25 for u, v in taken) and not any(
            0 < x - u < 200 and abs(y - v) < 25 for u, v in villages.values()
        ):
            ponds.append((x, y))
    for number, (x, y) in enumerate(ponds, start=1):
        colour = states[1 if number % 5 == 0 else 2 if number % 8 == 0 else 0][0]
        draw.ellipse((x - 9, y - 6, x + 9, y + 6), fill=colour, outline=(20, 60, 110))
        _label(draw, (x + 10, y - 18), str(number), 12, (20, 40, 70))
    draw.rectangle((30, 500, 250, 600), fill=(255, 255, 255), outline=(90, 90, 90))
    for row, (colour, label) in enumerate(states):
        y = 515 + row * 28
        draw.ellipse((45, y, 65, y + 14), fill=colour, outline=(20, 60, 110))
        _label(draw, (75, y - 3), f"mare {label}", 16, (30, 30, 30))
    draw.polygon([(850, 40), (838, 80), (862, 80)], fill=(30, 30, 30))
    _label(draw, (843, 84), "N", 18, (30, 30, 30))
    draw.line([(700, 590), (820, 590)], fill=(30, 30, 30), width=3)
    _label(draw, (735, 565), "1 km", 16, (30, 30, 30))
    return _png(image)


def hedge_diagram(today: date) -> bytes:
    """A field hedge in three layers beside a grass strip, slowing the run-off to the stream."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 560), (222, 238, 250))
    draw = ImageDraw.Draw(image)
    _label(draw, (30, 20), "Une haie champêtre en trois strates", 30, (30, 50, 40))
    draw.polygon([(0, 400), (960, 440), (960, 560), (0, 560)], fill=(150, 115, 80))
    draw.polygon([(0, 395), (330, 408), (330, 420), (0, 410)], fill=(205, 190, 120))
    draw.polygon([(330, 408), (560, 417), (560, 430), (330, 421)], fill=(120, 180, 90))
    draw.polygon([(820, 430), (960, 436), (960, 470), (820, 466)], fill=(70, 130, 200))
    for x, height in ((620, 250), (760, 210)):
        draw.rectangle((x - 10, 420 - height // 2, x + 10, 425), fill=(100, 70, 45))
        draw.ellipse((x - 80, 420 - height, x + 80, 440 - height // 2), fill=(50, 120, 60))
    for x in (580, 660, 700, 800):
        draw.ellipse((x - 45, 330, x + 45, 425), fill=(90, 150, 70))
    for x in range(570, 820, 18):
        draw.line([(x, 428), (x + 6, 405)], fill=(60, 140, 60), width=3)
    pointers = [
        ((30, 100), "strate arborée (8 à 15 m) :", "chêne, merisier, érable champêtre", (560, 215)),
        ((30, 200), "strate arbustive (2 à 5 m) :", "noisetier, aubépine, cornouiller", (545, 365)),
    ]
    for (x, y), first, second, (u, v) in pointers:
        _label(draw, (x, y), first, 18, (25, 35, 30))
        _label(draw, (x, y + 24), second, 18, (25, 35, 30))
        draw.line([(x + 330, y + 22), (u, v)], fill=(25, 35, 30), width=2)
        draw.ellipse((u - 4, v - 4, u + 4, v + 4), fill=(25, 35, 30))
    labels = [
        ((560, 470), "strate herbacée"),
        ((360, 440), "bande enherbée (5 m)"),
        ((30, 430), "parcelle cultivée"),
        ((830, 480), "ruisseau"),
    ]
    for (x, y), text in labels:
        _label(draw, (x, y), text, 17, (25, 35, 30))
    draw.line([(60, 380), (300, 390)], fill=(40, 90, 160), width=4)
    draw.polygon([(300, 382), (316, 391), (300, 398)], fill=(40, 90, 160))
    _label(draw, (60, 345), "le ruissellement est freiné et s'infiltre", 17, (40, 90, 160))
    return _png(image)


def pond_profile(today: date) -> bytes:
    """A pond in section: one gentle bank with its shallows, and the steep bank to avoid."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 440), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    _label(draw, (30, 20), "Profil d'une mare accueillante", 28, (30, 50, 40))
    ground = [(0, 180), (120, 180), (420, 330), (600, 330), (680, 180), (900, 180)]
    draw.polygon([*ground, (900, 440), (0, 440)], fill=(160, 125, 90))
    draw.polygon([(180, 210), (420, 330), (600, 330), (657, 210)], fill=(110, 170, 220))
    for x in range(190, 330, 22):
        draw.line([(x, 230), (x + 4, 170)], fill=(70, 140, 70), width=4)
    labels = [
        ((90, 110), "pente douce (1 pour 5) : plantes et têtards"),
        ((200, 260), "hauts-fonds de 10 à 30 cm"),
        ((430, 350), "1 m à 1,50 m au centre"),
        ((620, 110), "berge abrupte : à éviter"),
    ]
    for (x, y), text in labels:
        _label(draw, (x, y), text, 18, (25, 35, 30))
    return _png(image)


def pdf_text(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF of text in Helvetica (WinAnsi encoding: French accents), no images."""

    def literal(value: str) -> bytes:
        text = value.encode("cp1252", "replace")
        return (
            b"(" + text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
        )

    operations = [b"BT /F2 17 Tf 56 780 Td " + literal(title) + b" Tj ET", b"56 768 m 539 768 l S"]
    for number, line in enumerate(lines):
        bold = line.endswith(":") or line[:2] in {"1.", "2.", "3.", "4.", "5."}
        font = b"/F2 12" if bold else b"/F1 11"
        operations.append(b"BT %s Tf 56 %d Td %s Tj ET" % (font, 740 - 17 * number, literal(line)))
    content = b"\n".join(operations)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + literal(title) + b" /Producer (Coopilote demo) >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(output)


SURVEY_SHEET = [
    "Réseau Eau et Biodiversité du Val de Loire — groupe de travail zones humides",
    "",
    "Mare n° : ..........   Commune : ..............................   Date : ..../..../........",
    "Observateurs : ...........................................................................",
    "",
    "1. État de la mare",
    "[ ] en eau    [ ] à sec    [ ] comblée    [ ] envahie par les ligneux",
    "Surface estimée (m²) : ..........    Profondeur maximale (cm) : ..........",
    "",
    "2. Amphibiens, vus ou entendus",
    "[ ] grenouille agile    [ ] grenouille verte    [ ] rainette verte",
    "[ ] triton palmé    [ ] triton crêté *    [ ] alyte accoucheur",
    "",
    "3. Plantes aquatiques",
    "[ ] characées    [ ] renoncule aquatique    [ ] potamot    [ ] lentilles d'eau",
    "",
    "4. Menaces",
    "[ ] drainage    [ ] remblai    [ ] piétinement du bétail    [ ] espèces exotiques",
    "",
]
SURVEY_BIRDS = [
    "5. Oiseaux d'eau",
    "[ ] gallinule poule-d'eau    [ ] grèbe castagneux    [ ] héron cendré    [ ] martin-pêcheur",
    "",
]
SURVEY_END = [
    "* Espèce sensible : notez la station sur la fiche confidentielle, jamais sur la carte.",
    "Le protocole complet est sur le wiki du groupe : « Protocole d'inventaire des mares ».",
]


def survey_sheet(today: date) -> bytes:
    return pdf_text("Fiche terrain — inventaire des mares", SURVEY_SHEET + SURVEY_END)


def survey_sheet_v2(today: date) -> bytes:
    return pdf_text(
        "Fiche terrain — inventaire des mares (version 2)",
        SURVEY_SHEET + SURVEY_BIRDS + SURVEY_END,
    )


def sage_summary(today: date) -> bytes:
    return pdf_text(
        "État des lieux du SAGE de la Vienne tourangelle : synthèse",
        [
            "Commission locale de l'eau — document de travail pour la concertation",
            "",
            "Le bassin en quelques chiffres :",
            "- 62 communes, de Chinon à Loches, et 1 020 km² de bassin versant ;",
            "- un peu plus d'un tiers des rivières en bon état écologique ;",
            "- cinq captages d'eau potable prioritaires (nitrates, pesticides) ;",
            "- plus de 1 200 mares recensées, dont un tiers en mauvais état.",
            "",
            "Les enjeux retenus :",
            "1. Retrouver des rivières vivantes et des zones humides fonctionnelles.",
            "2. Protéger la ressource en eau potable autour des captages.",
            "3. Partager l'eau en période de sécheresse.",
            "4. Réduire la vulnérabilité aux crues de la Vienne.",
            "",
            "Ce document sert de base aux ateliers de la concertation en ligne :",
            "vos avis sont attendus sur les priorités et les actions proposées.",
        ],
    )


def cover_crops(today: date) -> bytes:
    return pdf_text(
        "Couverts végétaux et nitrates : deux campagnes d'essais",
        [
            "Essais conduits chez quatre agriculteurs du groupe agriculture et qualité de l'eau",
            "",
            "Reliquats d'azote en entrée d'hiver (kg N/ha, moyenne de deux campagnes) :",
            "- sol nu (témoin) ......................................... 68",
            "- moutarde seule .......................................... 31",
            "- phacélie et avoine ...................................... 24",
            "- mélange de six espèces (dont féverole et vesce) ......... 19",
            "",
            "Ce que nous retenons :",
            "1. Un couvert semé avant le 1er septembre piège deux fois plus d'azote.",
            "2. Les mélanges résistent mieux à un automne sec.",
            "3. La destruction tardive (février) ne pénalise pas le rendement suivant.",
            "",
            "Mesures : INRAE Centre-Val de Loire ; suivi : Chambre d'agriculture.",
        ],
    )


COMMUNES = [
    "Chinon",
    "Beaumont-en-Véron",
    "Seuilly",
    "Huismes",
    "Cravant-les-Côteaux",
    "Savigny-en-Véron",
    "Avoine",
]
# Common species only: the sensitive ones never leave the wetlands group (see its note).
AMPHIBIANS = [
    "grenouille agile",
    "triton palmé",
    "grenouille verte",
    "rainette verte",
    "crapaud commun",
]
PLANTS = ["characées", "renoncule aquatique", "potamot", "lentilles d'eau", "iris des marais"]
STATES = ["en eau"] * 6 + ["à sec l'été", "envahie par les ligneux", "comblée"]
OBSERVERS = [
    "Fatou",
    "Lucas",
    "Fatou et Lucas",
    "Aïcha",
    "Chloé",
    "Bénévoles des Amis de la Vienne",
]


def pond_survey(today: date) -> bytes:
    """Forty ponds visited during the first season, located by commune only."""
    rng = random.Random(RANDOM_SEED)  # noqa: S311  (made-up survey figures)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(
        [
            "mare",
            "commune",
            "date_visite",
            "etat",
            "surface_m2",
            "amphibiens",
            "plantes",
            "observateurs",
        ]
    )
    for number in range(1, 41):
        state = rng.choice(STATES)
        wet = state not in {"comblée", "à sec l'été"}
        writer.writerow(
            [
                f"CHI-{number:03d}",
                rng.choice(COMMUNES),
                (today - timedelta(days=rng.randint(60, 120))).isoformat(),
                state,
                rng.choice([25, 40, 60, 80, 120, 150, 200, 350]),
                " ; ".join(sorted(rng.sample(AMPHIBIANS, rng.randint(1, 3)))) if wet else "",
                " ; ".join(sorted(rng.sample(PLANTS, rng.randint(0, 3)))) if wet else "",
                rng.choice(OBSERVERS),
            ]
        )
    return output.getvalue().encode()


WELCOME_GUIDE = """\
# Guide d'accueil du nouveau membre

Bienvenue dans le Réseau Eau et Biodiversité du Val de Loire ! Ce guide tient en une page : \
gardez-le sous la main pendant vos premières semaines.

## Vos trois premières semaines

1. Complétez votre fiche (compétences, sujets qui vous intéressent) : c'est ce qui permet de \
trouver « qui sait quoi ».
2. Venez à la visio mensuelle du premier lundi, à 12 h 30 : on y accueille les nouveaux.
3. Votre parrain ou votre marraine vous appelle dans la semaine : posez-lui toutes vos questions.

## Où trouver quoi

| Je cherche | J'y vais |
|---|---|
| les décisions passées | le wiki, page « Comptes rendus » |
| un document, un outil, un modèle | la bibliothèque |
| qui sait quoi | l'annuaire des membres |
| une date | le calendrier partagé |

## Nos règles en bref

- On cite ses sources et la licence des documents que l'on partage.
- Les localisations d'espèces sensibles ne quittent pas le groupe zones humides.
- Une question n'est jamais bête : posez-la sur la liste de discussion.
"""


def welcome_guide(today: date) -> bytes:
    return WELCOME_GUIDE.encode()


# File key → (name as uploaded, what makes its bytes).
FILES: dict[str, tuple[str, Callable[[date], bytes]]] = {
    "pond_map": ("croquis-mares-chinonais.png", pond_map),
    "hedge": ("schema-haie-trois-strates.png", hedge_diagram),
    "profile": ("profil-mare.png", pond_profile),
    "sheet": ("fiche-terrain-mares.pdf", survey_sheet),
    "sheet_v2": ("fiche-terrain-mares-v2.pdf", survey_sheet_v2),
    "sage": ("sage-vienne-tourangelle-etat-des-lieux.pdf", sage_summary),
    "cover_crops": ("essais-couverts-vegetaux.pdf", cover_crops),
    "survey": ("releves-mares-chinonais-saison-1.csv", pond_survey),
    "welcome": ("guide-accueil-nouveau-membre.md", welcome_guide),
}


# Notes ----------------------------------------------------------------------------------------

GLOSSARY = """\
Les sigles que vous entendrez dans nos réunions, en une ligne chacun.

- **SAGE** : schéma d'aménagement et de gestion des eaux. Il fixe les règles de partage et de \
protection de l'eau d'un bassin versant, comme celui de la Vienne tourangelle.
- **SDAGE** : le même exercice à l'échelle du grand bassin Loire-Bretagne.
- **CLE** : commission locale de l'eau, l'assemblée d'élus, d'usagers et de l'État qui écrit et \
suit le SAGE.
- **GEMAPI** : gestion des milieux aquatiques et prévention des inondations, une compétence des \
intercommunalités.
- **Zone humide** : terrain gorgé d'eau une partie de l'année, reconnu à sa végétation ou à son \
sol.
- **Trame verte et bleue** : le réseau des milieux naturels qui permet aux espèces de circuler.
- **PLUi** : plan local d'urbanisme intercommunal, où mares et haies peuvent être protégées.
"""
MINUTES_TEMPLATE = """\
Copiez cette trame dans le wiki pour chaque comité de pilotage.

**Présents** : … **Excusés** : …

**Animation** : … **Prise de notes** : …

## Ordre du jour

1. …

## Ce que nous retenons

…

## Décisions

| Sujet | Décision |
|---|---|
| … | … |

## Actions

| Qui | Quoi | Pour quand |
|---|---|---|
| … | … | … |
"""
LAUNCH_MEETING = """\
Quarante personnes de vingt-deux structures, une journée à Tours.

## Ce qui a marché

- Le **tour de table en trois mots** : sa structure, ce qu'on apporte, ce qu'on cherche.
- La carte murale où chacun a collé ses projets : on a vu d'un coup les doublons et les manques.
- Les ateliers par tables de six, avec un rapporteur choisi à l'avance.

## Ce qu'on ferait autrement

- Trop de présentations le matin : quarante minutes au plus.
- Envoyer le compte rendu dans la semaine, pas trois semaines après.

## Ce qui en est sorti

La charte de fonctionnement, le groupe zones humides et l'idée d'un inventaire des mares.
"""
WORKSHOP = """\
Une trame testée pendant la concertation sur le SAGE, pour 15 à 40 participants.

| Durée | Séquence | Pourquoi |
|---|---|---|
| 15 min | Accueil, tour de table en trois mots | chacun parle une fois dès le début |
| 20 min | Le diagnostic en cinq chiffres | une base commune, sans jargon |
| 45 min | Par table : ce qui vous inquiète, ce que vous proposez | tout le monde s'exprime |
| 25 min | Restitution et vote par gommettes | voir les priorités ensemble |
| 15 min | Ce qui va se passer ensuite | dire ce que deviendront les avis |

## Conseils

- Un animateur par table, qui écrit les mots des participants, pas les siens.
- Annoncer dès le début ce qui est déjà décidé et ce qui reste ouvert.
- Envoyer la synthèse aux participants dans les quinze jours.
"""
SENSITIVE = """\
Le groupe échange des localisations précises ; le réseau et le public n'en voient que des \
synthèses.

## Ce que nous publions

- le nombre de mares visitées et leur état, par commune ;
- les espèces communes (grenouille agile, triton palmé, rainette verte).

## Ce que nous gardons dans le groupe

Les stations de triton crêté, de leucorrhine à front blanc et de sonneur à ventre jaune : \
transmises au Conservatoire d'espaces naturels, jamais publiées.

## Avant de partager une ressource hors du groupe

Relisez-la : pas de coordonnées, pas de nom de parcelle, pas de photo géolocalisée.
"""
NIGHT_LISTENING = """\
Un vendredi soir d'avril, huit bénévoles, trois mares du Véron.

- Lampe frontale à lumière rouge, pour ne pas éblouir les animaux.
- Cinq minutes de silence au bord de chaque mare avant de noter quoi que ce soit.
- La rainette verte chantait dans les trois mares, l'alyte accoucheur près de la ferme.

> « Je ne savais pas qu'une mare pouvait faire autant de bruit. » — une bénévole, pour sa \
première sortie

**À refaire** par une soirée douce et sans vent ; prévoir un thermos, la nuit tombe vite.
"""
HEDGES = """\
En deux hivers, quatre exploitations autour des captages de l'Île-Bouchard ont planté 2,1 km \
de haies et 3 ha de bandes enherbées.

## Comment nous nous y sommes pris

- Un diagnostic du ruissellement avec le technicien de rivière : où l'eau coule quand il pleut \
fort.
- Des plants d'origine locale, commandés en groupe pour baisser les prix.
- Un chantier de plantation par exploitation, avec les voisins et une classe de l'école.

## Ce que nous avons appris

- Le paillage de chanvre tient deux ans ; ensuite, il faut désherber à la main.
- La bande enherbée retient la terre dès le premier hiver ; la haie, au bout de trois ou quatre \
ans.
- Prévoir dès le départ qui entretient quoi : c'est là que les projets s'essoufflent.
"""


# Resources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResource:
    """A resource someone added, ``days`` ago at ``hour``:``minute``, in the space ``space``."""

    key: str
    space: str
    who: str
    days: int
    hour: int
    kind: str  # file, link or note
    title: str
    resource_type: str
    licence: str
    tags: str
    author: str = ""
    description: str = ""
    language: str = "fr"
    published: int | None = None  # days ago; None: no date
    url: str = ""
    body: str = ""
    file: str = ""  # key of FILES
    minute: int = 0


RESOURCES = [
    # The network's library.
    DemoResource(
        "welcome", NETWORK, CAMILLE, 139, 10, "file", "Guide d'accueil du nouveau membre",
        "guide", "cc-by-sa", "accueil, bénévoles, réseau", "Réseau Eau et Biodiversité",
        "Une page pour les premières semaines : à qui parler, où trouver quoi, nos règles.",
        published=140, file="welcome",
    ),
    DemoResource(
        "glossary", NETWORK, ELISE, 136, 17, "note", "Glossaire de l'eau : SAGE, SDAGE, CLE, "
        "GEMAPI", "guide", "cc-by-sa", "SAGE, glossaire, concertation",
        "CPIE Touraine Val de Loire",
        "Les sigles de nos réunions expliqués simplement.", published=136, body=GLOSSARY,
    ),
    DemoResource(
        "launch", NETWORK, CAMILLE, 135, 9, "note", "Retour d'expérience : la rencontre de "
        "lancement à Tours", "experience", "cc-by", "concertation, animation, réseau",
        "Camille Martin", "Ce qui a marché, ce qu'on ferait autrement.", published=135,
        body=LAUNCH_MEETING,
    ),
    DemoResource(
        "zotero", NETWORK, INES, 132, 14, "link", "Bibliographie partagée du réseau (Zotero)",
        "tool", "cc-by", "bibliographie, recherche, zones humides", "Université de Tours, CITERES",
        "Articles, thèses et rapports sur l'eau et la biodiversité du Val de Loire, classés par "
        "thème. Demandez à Inès pour y ajouter vos références.",
        url="https://www.zotero.org/groups/4829173/reseau_eau_biodiversite_val_de_loire/library",
    ),
    DemoResource(
        "sandre", NETWORK, INES, 130, 11, "link", "Sandre : les référentiels des données sur "
        "l'eau", "data", "cc-by", "données ouvertes, qualité de l'eau", "Office international de "
        "l'eau", "Les codes des cours d'eau, des stations et des paramètres : indispensables pour "
        "croiser nos relevés avec les données publiques.", url="https://www.sandre.eaufrance.fr/",
    ),
    DemoResource(
        "minutes_template", NETWORK, CAMILLE, 126, 16, "note", "Trame de compte rendu du comité "
        "de pilotage", "template", "cc0", "gouvernance, comité de pilotage",
        "Réseau Eau et Biodiversité", "À copier dans le wiki pour chaque réunion.",
        published=126, body=MINUTES_TEMPLATE,
    ),
    DemoResource(
        "water_agency", NETWORK, BRUNO, 122, 8, "link", "Les aides de l'Agence de l'eau "
        "Loire-Bretagne", "guide", "all-rights-reserved", "financements, zones humides, "
        "rivières", "Agence de l'eau Loire-Bretagne", "Restauration de rivières, de zones "
        "humides et de haies : qui peut demander quoi, et quand.",
        url="https://agence.eau-loire-bretagne.fr/home.html",
    ),
    DemoResource(
        "profile", NETWORK, ELISE, 120, 15, "file", "Profil d'une mare accueillante",
        "training", "cc-by-nc", "mares, pédagogie, création de mare", "CPIE Touraine Val de Loire",
        "Le schéma de nos animations scolaires : une berge en pente douce, des hauts-fonds.",
        published=121, file="profile",
    ),
    DemoResource(
        "vigie_nature", NETWORK, CHLOE, 118, 20, "link", "Vigie-Nature : observatoires de "
        "sciences participatives", "tool", "cc-by", "sciences participatives, bénévoles, "
        "oiseaux", "Muséum national d'Histoire naturelle", "Des protocoles simples pour "
        "compter papillons, oiseaux ou plantes, et verser ses données à la recherche.",
        url="https://www.vigienature.fr/",
    ),
    DemoResource(
        "hedge", NETWORK, GUILLAUME, 104, 9, "file", "Schéma d'une haie champêtre en trois "
        "strates", "guide", "cc-by", "haies, agriculture, qualité de l'eau",
        "Chambre d'agriculture d'Indre-et-Loire", "Quelles essences à quelle hauteur, et "
        "comment la haie et la bande enherbée freinent le ruissellement.", published=104,
        file="hedge",
    ),
    DemoResource(
        "pond_map", NETWORK, FATOU, 96, 21, "file", "Croquis des mares du Chinonais",
        "data", "cc-by-sa", "mares, cartographie, inventaire", "Les Amis de la Vienne",
        "Les quarante mares de la première saison, par état. Localisation approximative : les "
        "stations d'espèces sensibles n'y figurent pas.", published=97, file="pond_map",
    ),
    DemoResource(
        "tela", NETWORK, PAULINE, 92, 13, "link", "Tela Botanica : identifier les plantes des "
        "zones humides", "tool", "cc-by-sa", "botanique, zones humides, sciences participatives",
        "Tela Botanica", "Le réseau des botanistes francophones : flores en ligne et forum "
        "d'identification, très utile pour les plantes indicatrices.",
        url="https://www.tela-botanica.org/",
    ),
    DemoResource(
        "workshop", NETWORK, ELISE, 80, 18, "note", "Animer un atelier de concertation en deux "
        "heures", "guide", "cc-by-sa", "concertation, animation, SAGE",
        "CPIE Touraine Val de Loire", "Une trame minutée et trois conseils.", published=80,
        body=WORKSHOP,
    ),
    DemoResource(
        "concertation", NETWORK, ELISE, 75, 12, "link", "Institut de la concertation : fiches "
        "méthodes", "guide", "all-rights-reserved", "concertation, animation",
        "Institut de la concertation et de la participation citoyenne", "Des fiches pour "
        "choisir et animer un dispositif de participation.",
        url="https://institutdelaconcertation.org/",
    ),
    DemoResource(
        "ramsar", NETWORK, INES, 70, 10, "link", "Ramsar Convention: wise use of wetlands "
        "handbooks", "guide", "all-rights-reserved", "zones humides, gestion",
        "Ramsar Convention Secretariat", "Les manuels de la convention de Ramsar sur "
        "l'utilisation rationnelle des zones humides (en anglais).", language="en",
        url="https://www.ramsar.org/",
    ),
    DemoResource(
        "gesteau", NETWORK, ELISE, 60, 9, "link", "Gest'eau : le SAGE de la Vienne tourangelle",
        "tool", "all-rights-reserved", "SAGE, concertation", "Office français de la "
        "biodiversité", "Le portail des SAGE : périmètre, commission locale de l'eau, "
        "documents et calendrier.", url="https://www.gesteau.fr/",
    ),
    DemoResource(
        "sage", NETWORK, ELISE, 58, 14, "file", "État des lieux du SAGE de la Vienne "
        "tourangelle : synthèse", "study", "all-rights-reserved", "SAGE, concertation, "
        "qualité de l'eau", "Commission locale de l'eau de la Vienne tourangelle",
        "La synthèse de l'état des lieux, base des ateliers de la concertation.",
        published=62, file="sage",
    ),
    # The wetlands group's library (members only).
    DemoResource(
        "sheet", WETLANDS, AICHA, 137, 11, "file", "Fiche terrain de l'inventaire des mares",
        "template", "cc-by-sa", "mares, inventaire, bénévoles, sciences participatives",
        "Groupe de travail zones humides", "À imprimer pour chaque sortie ; le protocole est "
        "sur le wiki du groupe.", published=138, file="sheet",
    ),
    DemoResource(
        "wetlands_portal", WETLANDS, BRUNO, 128, 18, "link", "Portail national des zones "
        "humides", "guide", "cc-by", "zones humides, gestion, réglementation",
        "Office français de la biodiversité", "Définitions, délimitation, gestion et retours "
        "d'expérience de toute la France.", url="https://www.zones-humides.org/",
    ),
    DemoResource(
        "sensitive", WETLANDS, AICHA, 100, 8, "note", "Espèces sensibles : ce que nous "
        "publions, ce que nous gardons", "guide", "cc-by-sa", "données sensibles, mares, "
        "zones humides", "Groupe de travail zones humides", "À lire avant de partager une "
        "ressource du groupe.", published=100, body=SENSITIVE,
    ),
    DemoResource(
        "night", WETLANDS, LUCAS, 88, 22, "note", "Retour d'expérience : l'écoute nocturne des "
        "amphibiens", "experience", "cc-by", "amphibiens, bénévoles, mares, sciences "
        "participatives", "Lucas Bernard", "Une sortie de nuit au Véron : comment s'y prendre.",
        published=88, body=NIGHT_LISTENING,
    ),
    DemoResource(
        "survey", WETLANDS, FATOU, 52, 20, "file", "Relevés des mares du Chinonais, saison 1",
        "data", "cc0", "mares, données ouvertes, inventaire, sciences participatives",
        "Les Amis de la Vienne et groupe zones humides", "Quarante mares visitées, localisées "
        "à la commune : sans les stations d'espèces sensibles, donc publiable.",
        published=53, file="survey",
    ),
    DemoResource(
        "inpn", WETLANDS, THEO, 7, 19, "link", "INPN : fiches espèces des libellules",
        "data", "cc-by", "libellules, espèces protégées", "Muséum national d'Histoire naturelle",
        "Statut, répartition et photos de chaque espèce, dont la leucorrhine à front blanc.",
        url="https://inpn.mnhn.fr/",
    ),
    # The farming group's library (public).
    DemoResource(
        "afac", FARMING, GUILLAUME, 96, 14, "link", "Afac-Agroforesteries : planter et gérer "
        "les haies", "guide", "cc-by-nc", "haies, agroforesterie, agriculture",
        "Afac-Agroforesteries", "Guides techniques, label Haie et réseau des planteurs.",
        url="https://afac-agroforesteries.fr/",
    ),
    DemoResource(
        "cover_crops", FARMING, OLIVIER, 90, 16, "file", "Couverts végétaux et nitrates : "
        "deux campagnes d'essais", "study", "cc-by", "couverts végétaux, qualité de l'eau, "
        "captages", "INRAE Centre-Val de Loire", "Les reliquats d'azote sous quatre couverts, "
        "chez quatre agriculteurs du groupe.", published=91, file="cover_crops",
    ),
    DemoResource(
        "hedges_story", FARMING, SAMUEL, 45, 21, "note", "Retour d'expérience : 2 km de haies "
        "autour des captages de l'Île-Bouchard", "experience", "cc-by", "haies, captages, "
        "agriculture", "GAEC des Prés de la Vienne", "Deux hivers de plantations, ce que nous "
        "en avons appris.", published=45, body=HEDGES,
    ),
]  # fmt: skip


@dataclass(frozen=True)
class DemoCollection:
    key: str
    space: str
    who: str
    days: int
    hour: int
    title: str
    introduction: str
    items: tuple[str, ...]  # resource keys, in order


COLLECTIONS = [
    DemoCollection(
        "welcome_kit", NETWORK, CAMILLE, 115, 10, "Kit d'accueil du nouveau membre",
        "Ce qu'on aimerait que chaque nouveau membre lise pendant ses **trois premières "
        "semaines**, dans cet ordre. Une question ? Demandez à votre parrain ou à votre "
        "marraine.",
        ("welcome", "glossary", "launch", "minutes_template", "sheet", "zotero"),
    ),
    DemoCollection(
        "consultation_kit", NETWORK, ELISE, 55, 17, "Boîte à outils concertation",
        "Pour préparer et animer une réunion publique ou un atelier : la méthode, le vocabulaire "
        "et les documents du SAGE. Rassemblée pendant la concertation sur le SAGE de la Vienne "
        "tourangelle.",
        ("workshop", "concertation", "glossary", "sage", "gesteau", "launch"),
    ),
]  # fmt: skip


# The history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing someone did in a library, ``days`` ago at ``hour``:``minute``."""

    days: int
    hour: int
    minute: int
    who: str
    # enable, add, version, share, collect, collect_add, favourite, comment, view, download,
    # embed
    do: str
    space: str = ""  # key of the space where it is done
    resource: str = ""  # key of the resource
    to: str = ""  # share: key of the receiving space; collect, collect_add: the collection
    text: str = ""  # comment: its text; version: the file's key


OTHER_STEPS = [
    Step(140, 9, 0, CAMILLE, "enable", NETWORK),
    Step(138, 9, 30, AICHA, "enable", WETLANDS),
    Step(100, 8, 40, GUILLAUME, "enable", FARMING),
    # Shares: the wetlands group's public-safe resources into the network, the hedge diagram
    # into the farming group.
    Step(124, 18, 10, AICHA, "share", WETLANDS, "sheet", NETWORK),
    Step(99, 9, 15, GUILLAUME, "share", NETWORK, "hedge", FARMING),
    Step(86, 19, 5, LUCAS, "share", WETLANDS, "night", NETWORK),
    Step(48, 8, 20, FATOU, "share", WETLANDS, "survey", NETWORK),
    # The survey sheet gets its water birds, as the protocol did on the wiki.
    Step(50, 8, 10, AICHA, "version", WETLANDS, "sheet", text="sheet_v2"),
    # Collections, and what was added to them later.
    Step(115, 10, 0, CAMILLE, "collect", NETWORK, to="welcome_kit"),
    Step(55, 17, 0, ELISE, "collect", NETWORK, to="consultation_kit"),
    Step(40, 11, 30, CAMILLE, "collect_add", NETWORK, "pond_map", "welcome_kit"),
    Step(30, 14, 45, ELISE, "collect_add", NETWORK, "water_agency", "consultation_kit"),
    # Favourites.
    Step(123, 21, 0, LUCAS, "favourite", WETLANDS, "sheet"),
    Step(95, 7, 45, LUCAS, "favourite", NETWORK, "pond_map"),
    Step(94, 12, 0, FATOU, "favourite", NETWORK, "glossary"),
    Step(60, 13, 20, DAVID, "favourite", NETWORK, "workshop"),
    Step(44, 18, 0, INES, "favourite", NETWORK, "survey"),
    Step(6, 20, 30, LENA, "favourite", FARMING, "hedge"),
    Step(12, 9, 10, MANON, "favourite", NETWORK, "workshop"),
    Step(8, 17, 40, KARIM, "favourite", NETWORK, "welcome"),
    Step(6, 22, 0, THEO, "favourite", WETLANDS, "sheet"),
    # Comments.
    Step(94, 18, 30, CHLOE, "comment", NETWORK, "pond_map",
         text="Il manque la mare de la Rochelle, à Seuilly : on l'ajoute à la carte des mares ?"),
    Step(93, 8, 15, FATOU, "comment", NETWORK, "pond_map",
         text="Bien vu, Chloé : elle sera sur la version de la deuxième saison."),
    Step(84, 17, 50, SAMUEL, "comment", FARMING, "hedge",
         text="C'est exactement ce qu'on a planté le long du ruisseau, avec du noisetier en "
         "strate arbustive."),
    Step(49, 20, 15, LUCAS, "comment", WETLANDS, "sheet",
         text="La version 2 avec les oiseaux d'eau est parfaite, je l'ai imprimée pour "
         "samedi."),
    Step(44, 18, 5, INES, "comment", NETWORK, "survey",
         text="Merci Fatou ! J'en tire une carte de synthèse par commune pour la rencontre "
         "de Chinon."),
    Step(40, 12, 0, MARGAUX, "comment", NETWORK, "workshop",
         text="Testé pour la réunion publique GEMAPI : le tour de table en trois mots marche "
         "très bien, même à quarante."),
    Step(5, 21, 10, LENA, "comment", FARMING, "hedges_story",
         text="Combien de temps d'entretien par an pour 500 m de haie ? Je me lance cet hiver."),
    Step(4, 8, 0, SAMUEL, "comment", FARMING, "hedges_story",
         text="Compte deux journées les trois premières années, à deux. Je viendrai t'aider."),
    # The ponds project sheet of the network's wiki shows the sketch map.
    Step(6, 18, 30, FATOU, "embed", NETWORK, EMBEDDED),
]  # fmt: skip

# Who opened or downloaded what: (name, space, resource, days ago), where reading is measured
# (the network and the wetlands group, for the last 150 days: DESIGN).
VIEWS = [
    (LUCAS, WETLANDS, "sheet", 130), (FATOU, WETLANDS, "sheet", 129),
    (CHLOE, NETWORK, "sheet", 120), (BRUNO, NETWORK, "glossary", 110),
    (DAVID, NETWORK, "glossary", 90), (THEO, NETWORK, "welcome", 19),
    (LENA, NETWORK, "welcome", 17), (MANON, NETWORK, "welcome", 13),
    (KARIM, NETWORK, "welcome", 8), (KARIM, NETWORK, "glossary", 8),
    (LUCAS, NETWORK, "pond_map", 95), (INES, NETWORK, "pond_map", 90),
    (THEO, NETWORK, "pond_map", 9), (DAVID, NETWORK, "workshop", 61),
    (MARGAUX, NETWORK, "workshop", 41), (MANON, NETWORK, "workshop", 12),
    (DAVID, NETWORK, "sage", 50), (MARGAUX, NETWORK, "sage", 45),
    (INES, NETWORK, "survey", 44), (PAULINE, WETLANDS, "survey", 40),
]  # fmt: skip
DOWNLOADS = [
    (LUCAS, WETLANDS, "sheet", 123), (CHLOE, NETWORK, "sheet", 120), (LUCAS, WETLANDS, "sheet", 49),
    (THEO, WETLANDS, "sheet", 6), (THEO, NETWORK, "welcome", 19), (KARIM, NETWORK, "welcome", 8),
    (DAVID, NETWORK, "sage", 50), (INES, NETWORK, "survey", 44), (INES, NETWORK, "pond_map", 90),
]  # fmt: skip


def history() -> list[Step]:
    """Everything done in the three libraries, in the order it happened."""
    steps = [
        Step(spec.days, spec.hour, spec.minute, spec.who, "add", spec.space, spec.key)
        for spec in RESOURCES
    ]
    steps += OTHER_STEPS
    for do, rows in (("view", VIEWS), ("download", DOWNLOADS)):
        # In the evening, after the day's work: never before what they open was added.
        steps += [Step(days, 19, 30, name, do, space, key) for name, space, key, days in rows]
    return sorted(steps, key=lambda step: (-step.days, step.hour, step.minute))


# Writing it -----------------------------------------------------------------------------------


@dataclass
class _Librarian:
    """Runs the steps through the library's actions and dates what each one wrote."""

    seeding: Any  # spaces.demo._Seeding: today and now, for _moment
    spaces: dict[str, Any]  # key → Space, loaded with its ancestors
    users: dict[str, Any]  # name → User
    resources: dict[str, Any] = field(default_factory=dict)  # key → Resource
    collections: dict[str, Any] = field(default_factory=dict)  # key → Collection
    accesses: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    embedded_in: str = ""  # the wiki page showing the picture, once done

    def access(self, space: str, name: str, tool_key: str = "library") -> Any:
        """What the door gives ``name`` in the space's tool (actions check it again anyway)."""
        from coopilote.spaces.access import tool_accesses

        if (space, name, tool_key) not in self.accesses:
            found = self.spaces[space]
            accesses = tool_accesses([found], self.users[name], tool_key)
            self.accesses[(space, name, tool_key)] = accesses[found.pk]
        return self.accesses[(space, name, tool_key)]

    def upload(self, key: str) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        name, make = FILES[key]
        return SimpleUploadedFile(name, make(self.seeding.today))

    def run(self, step: Step) -> None:
        from coopilote.spaces.demo import _moment

        when = _moment(self.seeding, step.days, step.hour, step.minute)
        getattr(self, f"_{step.do}")(step, when)

    def _enable(self, step: Step, when: datetime) -> None:
        from coopilote.spaces import actions as spaces_actions
        from coopilote.spaces.access import access_for
        from coopilote.spaces.demo import _then
        from coopilote.spaces.models import SpaceTool
        from coopilote.tools.library.manifest import KEY

        access = access_for(self.spaces[step.space], self.users[step.who])
        tool = _then(when, spaces_actions.space_tool_enable, access=access, tool_key=KEY)
        SpaceTool.objects.filter(pk=tool.pk).update(created_at=when)

    def _add(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import actions
        from coopilote.tools.library.models import Resource, ResourceFile

        spec = next(spec for spec in RESOURCES if spec.key == step.resource)
        published = (
            None if spec.published is None else self.seeding.today - timedelta(days=spec.published)
        )
        resource = _then(
            when,
            actions.resource_add,
            access=self.access(spec.space, spec.who),
            kind=spec.kind,
            upload=self.upload(spec.file) if spec.file else None,
            title=spec.title,
            description=spec.description,
            tags=spec.tags,
            resource_type=spec.resource_type,
            author=spec.author,
            language=spec.language,
            published_on=published,
            licence=spec.licence,
            url=spec.url,
            body=spec.body,
        )
        Resource.objects.filter(pk=resource.pk).update(created_at=when, updated_at=when)
        ResourceFile.objects.filter(resource=resource).update(uploaded_at=when)
        self.resources[spec.key] = resource

    def _version(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import actions
        from coopilote.tools.library.models import Resource, ResourceFile

        resource = self.resources[step.resource]
        file = _then(
            when,
            actions.resource_new_version,
            access=self.access(step.space, step.who),
            resource=resource,
            upload=self.upload(step.text),
        )
        ResourceFile.objects.filter(pk=file.pk).update(uploaded_at=when)
        Resource.objects.filter(pk=resource.pk).update(updated_at=when)

    def _share(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import sharing
        from coopilote.tools.library.models import Share

        share = _then(
            when,
            sharing.resource_share,
            access=self.access(step.space, step.who),
            resource=self.resources[step.resource],
            space_id=self.spaces[step.to].pk,
        )
        Share.objects.filter(pk=share.pk).update(created_at=when)

    def _collect(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import collections
        from coopilote.tools.library.models import Collection

        spec = next(spec for spec in COLLECTIONS if spec.key == step.to)
        access = self.access(step.space, step.who)
        collection = _then(
            when,
            collections.collection_create,
            access=access,
            title=spec.title,
            introduction=spec.introduction,
        )
        for key in spec.items:
            _then(
                when,
                collections.collection_add,
                access=access,
                collection=collection,
                resource=self.resources[key],
            )
        Collection.objects.filter(pk=collection.pk).update(created_at=when, updated_at=when)
        self.collections[spec.key] = collection

    def _collect_add(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import collections
        from coopilote.tools.library.models import Collection

        collection = self.collections[step.to]
        _then(
            when,
            collections.collection_add,
            access=self.access(step.space, step.who),
            collection=collection,
            resource=self.resources[step.resource],
        )
        Collection.objects.filter(pk=collection.pk).update(updated_at=when)

    def _favourite(self, step: Step, when: datetime) -> None:
        from coopilote.tools.library import social
        from coopilote.tools.library.models import Favourite

        resource = self.resources[step.resource]
        social.favourite_toggle(access=self.access(step.space, step.who), resource=resource)
        Favourite.objects.filter(user=self.users[step.who], resource=resource).update(
            created_at=when
        )

    def _comment(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import social
        from coopilote.tools.library.models import Comment

        comment = _then(
            when,
            social.comment_add,
            access=self.access(step.space, step.who),
            resource=self.resources[step.resource],
            body=step.text,
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=when)

    def _view(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import actions

        access = self.access(step.space, step.who)
        _then(when, actions.resource_viewed, access=access, resource=self.resources[step.resource])

    def _download(self, step: Step, when: datetime) -> None:
        from coopilote.spaces.demo import _then
        from coopilote.tools.library import actions

        access = self.access(step.space, step.who)
        _then(
            when, actions.resource_downloaded, access=access, resource=self.resources[step.resource]
        )

    def _embed(self, step: Step, when: datetime) -> None:
        """A new revision of the network's ponds project sheet, through the wiki's own action,
        showing the picture. The wiki's demo loads first (INSTALLED_APPS order), so the page is
        there unless someone deleted it; a wiki that is not installed or not enabled is left
        alone."""
        from django.apps import apps

        if not apps.is_installed("coopilote.tools.wiki"):
            return
        from coopilote.spaces.access import tool_accesses
        from coopilote.spaces.demo import _then
        from coopilote.tools.wiki import actions as wiki_actions
        from coopilote.tools.wiki.demo import PONDS
        from coopilote.tools.wiki.models import Page, Revision

        space, user = self.spaces[step.space], self.users[step.who]
        access = tool_accesses([space], user, "wiki").get(space.pk)
        page = (
            Page.objects.filter(space=space, title=PONDS, deleted_at__isnull=True)
            .select_related("current")
            .first()
        )
        if access is None or page is None or page.current is None:
            return
        embed = f"![[library:{self.resources[step.resource].public_id}|{EMBED_CAPTION}]]\n\n"
        body = page.current.body
        where = body.find("## Bilan de mi-parcours")
        body = body[:where] + embed + body[where:] if where >= 0 else f"{body}\n{embed}"
        when = max(when, page.current.created_at + timedelta(minutes=1))
        last = page.current.number
        _then(
            when,
            wiki_actions.page_save,
            access=access,
            page=page,
            title=page.title,
            body=body,
            comment="Ajout du croquis des mares, depuis la bibliothèque",
            base_number=last,
        )
        Revision.objects.filter(page=page, number__gt=last).update(created_at=when)
        Page.objects.filter(pk=page.pk).update(updated_at=when)
        self.embedded_in = page.title


def seed_library() -> str:
    from django.utils import timezone

    from coopilote.accounts.models import User
    from coopilote.activity.rollups import local_today, roll_up
    from coopilote.spaces.access import ANCESTORS
    from coopilote.spaces.demo import GROUPS, NETWORK_SLUG, _Seeding
    from coopilote.spaces.models import Space, SpaceTool
    from coopilote.tools.library.manifest import KEY

    slugs = {NETWORK: NETWORK_SLUG} | {
        group.key: group.slug for group in GROUPS if group.key in (WETLANDS, FARMING)
    }
    found = {
        space.slug: space
        for space in Space.objects.filter(slug__in=slugs.values()).select_related(ANCESTORS)
    }
    network = found.get(NETWORK_SLUG)
    if network is None:
        return "no demo network, no library."
    if SpaceTool.objects.filter(space=network, tool_key=KEY).exists():
        return "demo library already there."
    steps = history()
    names = {step.who for step in steps}
    users = {
        user.display_name: user
        for user in User.objects.filter(memberships__space=network, display_name__in=names)
    }
    if len(found) != len(slugs) or len(users) != len(names):
        return "the demo network has changed since it was loaded: no library added."
    today = local_today()
    seeding = _Seeding(now=timezone.now(), today=today, rng=random.Random(RANDOM_SEED))  # noqa: S311
    librarian = _Librarian(
        seeding=seeding,
        spaces={key: found[slug] for key, slug in slugs.items()},
        users=users,
    )
    for step in steps:
        librarian.run(step)
    # The scheduled job had already rolled these days up, before the library's events existed.
    roll_up(today - timedelta(days=steps[0].days), today - timedelta(days=1))
    kinds = [spec.kind for spec in RESOURCES]
    shown = (
        f" and shown on the wiki page “{librarian.embedded_in}”" if librarian.embedded_in else ""
    )
    return (
        f"{len(RESOURCES)} resources ({kinds.count('file')} files, {kinds.count('link')} links, "
        f"{kinds.count('note')} notes) in “{network.name}” and two working groups, "
        f"{sum(step.do == 'share' for step in steps)} shared, {len(COLLECTIONS)} collections; "
        f"one picture drawn here{shown}."
    )
