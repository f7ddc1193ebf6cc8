"""Wiki pages of the demo network (``spaces/demo.py``), written by its people over the months.

The network's wiki holds a home page, the charter, the steering committee's minutes under their
index page, and two project sheets; the wetlands group's wiki (members only) holds its survey
protocol and its field-trip calendar. Every write goes through the wiki's real actions, in the
order it "happened", and is then moved back to its day with the spaces demo's ``_then`` and
``_moment``, so revisions, pages and activity events agree; the daily rollups are computed again
for those days, as the scheduled job would have kept them. The history shows what the wiki does:
revisions by several people with their comments, a restored revision, a simultaneous edit merged,
a renamed page whose old ``[[name]]`` still leads to it, a page tree, and one link to a page that
nobody has created yet.

Idempotent: once the network's wiki is enabled (by this seeder or by hand), nothing is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# Authors, by their name in the demo network (spaces/demo.py MEMBERS).
CAMILLE = "Camille Martin"
ELISE = "Élise Girard"
AICHA = "Aïcha Benali"
BRUNO = "Bruno Lefèvre"
FATOU = "Fatou Diop"
INES = "Inès Fontaine"
LUCAS = "Lucas Bernard"
GUILLAUME = "Guillaume Roux"
SAMUEL = "Samuel Ferreira"
OLIVIER = "Olivier Dumas"
PAULINE = "Pauline Carré"
CHLOE = "Chloé Moreau"
THEO = "Théo Gauthier"

NETWORK, WETLANDS = "network", "wetlands"  # keys of spaces/demo.py spaces

# The steering committee meets on a Tuesday about this many days ago; its minutes follow.
MEETINGS = (125, 84, 28)
# Fixed-date public holidays in France (month, day): no meeting on those.
HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}

HEDGES_OLD = "Fiche projet — Plantation de haies"
HEDGES_NEW = "Fiche projet — Haies et bandes enherbées"
PONDS = "Fiche projet — Inventaire des mares"
PROTOCOL = "Protocole d'inventaire des mares"

# Who follows which page besides its creator: (page key, name, days ago).
FOLLOWERS = [
    ("charter", LUCAS, 150),
    ("charter", INES, 142),
    ("minutes", BRUNO, 80),
    ("ponds", LUCAS, 120),
    ("ponds", THEO, 9),
    ("hedges", SAMUEL, 100),
    ("hedges", OLIVIER, 70),
    ("protocol", FATOU, 138),
    ("protocol", PAULINE, 85),
    ("outings", THEO, 8),
    ("outings", LUCAS, 4),
]


# Texts ----------------------------------------------------------------------------------------

HOME = """\
Bienvenue sur le wiki du **Réseau Eau et Biodiversité du Val de Loire**. On y écrit ensemble ce \
qui doit durer : notre charte, les comptes rendus du comité de pilotage et les fiches de nos \
projets.

## Par où commencer

1. Lisez la [[Charte de fonctionnement]] : qui fait quoi, comment nous décidons.
2. Retrouvez les décisions passées dans les [[Comptes rendus]].
3. Une question sur le wiki ? Écrivez à Camille ou à Élise.

## Écrire sur le wiki

- Chaque enregistrement est gardé dans l'historique : on peut toujours revenir en arrière.
- Pour créer une page, écrivez son nom entre doubles crochets (`[[Nom de la page]]`), \
enregistrez, puis suivez le lien.
- Les notes prises en direct restent dans le pad des comptes rendus ; le wiki garde les \
versions relues.
"""
HOME_PROJECTS = f"""
## Nos projets

- [[{PONDS}]] : 150 mares du bassin de la Vienne à visiter en deux saisons, avec les \
bénévoles des associations.
- [[{HEDGES_OLD}]] : des haies autour des captages d'eau potable, avec le groupe agriculture \
et qualité de l'eau.

Le groupe zones humides a son propre wiki, réservé à ses membres : \
[[zones-humides:Protocole d'inventaire des mares|protocole d'inventaire]] et \
[[zones-humides:Calendrier des sorties|calendrier des sorties]].
"""
HOME_NEXT = """
## À venir

La **rencontre annuelle** du réseau aura lieu à Chinon : bilan des inventaires de mares le \
matin, avis sur le SAGE l'après-midi. Programme et covoiturage sur la page \
[[Rencontre annuelle à Chinon]] : Élise, tu la lances ?
"""

CHARTER = """\
Cette charte dit comment nous travaillons ensemble. Elle a été écrite à partir des échanges de \
la rencontre de lancement à Tours ; elle évolue avec le réseau.

## Pourquoi ce réseau

Associations, collectivités, syndicats de bassin, chercheurs et agriculteurs agissent chacun de \
leur côté pour l'eau et la biodiversité du Val de Loire. Le réseau sert à **se connaître, \
partager et agir ensemble** là où personne ne peut agir seul.

> « Nous ne voulons pas une structure de plus, mais un endroit où l'on se parle avant \
d'agir. » — une participante à la rencontre de lancement

## Qui peut participer

- toute structure ou personne qui agit pour l'eau et la biodiversité du Val de Loire ;
- les bénévoles des associations membres, au même titre que les salariés ;
- les financeurs et les services de l'État, comme observateurs s'ils le souhaitent.

## Nos engagements

- Partager ce que nous savons : données, retours d'expérience, erreurs comprises.
- Citer les sources et les personnes qui ont produit les données.
- Respecter le temps de chacun : une réunion a un ordre du jour, une heure de fin et un compte \
rendu.
- Accueillir les nouveaux : chaque nouvelle structure a un parrain ou une marraine pendant \
trois mois.
"""
CONSENT = (
    "Nous décidons **par consentement** : une proposition est adoptée quand personne n'a "
    "d'objection argumentée. Une objection n'est pas un veto : elle aide à améliorer la "
    "proposition."
)
MAJORITY = (
    "Nous décidons **à la majorité des présents** : chaque structure a une voix, la "
    "proposition qui a le plus de voix est adoptée."
)
CHARTER_DECISIONS = f"""
## Comment nous décidons

{CONSENT}

| Type de décision | Qui décide | Comment |
|---|---|---|
| Fonctionnement courant (ordre du jour, outils) | les animatrices | au fil de l'eau, en \
informant le réseau |
| Projets, budget, partenariats | le comité de pilotage | par consentement, en réunion |
| Charte, adhésion de nouvelles structures | la rencontre annuelle | par consentement, après \
une consultation en ligne |

Les décisions sont notées dans le compte rendu de la réunion, avec leur date.
"""
GROUPS_THEN = (
    "Groupe actuel : *zones humides*, animé par Aïcha. Un groupe *agriculture et qualité de "
    "l'eau* est en préparation."
)
GROUPS_NOW = (
    "Groupes actuels : *zones humides*, animé par Aïcha, et *agriculture et qualité de l'eau*, "
    "animé par Guillaume. Chaque groupe a aussi un ou une **référente** qui fait le lien avec le "
    "comité de pilotage : Fatou pour les zones humides, Samuel pour l'agriculture."
)
CHARTER_GROUPS = f"""
## Les groupes de travail

Un groupe de travail naît quand au moins trois structures veulent avancer sur un sujet. Il a \
une animatrice ou un animateur, fixe ses propres rendez-vous et rend compte au comité de \
pilotage deux fois par an.

{GROUPS_THEN}
"""
CHARTER_DATA = """
## Partage des données

- Les données produites ensemble (inventaires, relevés, cartes) sont publiées sous **Licence \
Ouverte 2.0**.
- Les localisations d'espèces sensibles ne sont jamais publiées : elles sont transmises au \
Conservatoire d'espaces naturels.
- Chaque jeu de données dit qui l'a produit, quand, et avec quel protocole.
"""

MINUTES_INDEX = """\
Les comptes rendus du comité de pilotage, du plus récent au plus ancien. Le comité se réunit \
tous les deux mois environ, le mardi à 14 h, en alternance à Tours et en visio.

Pour écrire un compte rendu, reprenez la structure du dernier : présents, ordre du jour, ce que \
nous retenons, décisions, actions.

"""

MEETING_1 = """\
**Présents** : Camille Martin, Élise Girard, Aïcha Benali, Bruno Lefèvre, Inès Fontaine, \
Chloé Moreau. **Excusée** : Fatou Diop.

**Animation** : Élise. **Prise de notes** : Camille.

## Ordre du jour

1. Validation de la charte de fonctionnement
2. Lancement de l'inventaire des mares
3. Demande de subvention à l'Agence de l'eau

## Ce que nous retenons

La [[Charte de fonctionnement]] a été relue en séance : deux reformulations sur le partage des \
données, puis validation. L'inventaire des mares démarre avec les bénévoles des Amis de la \
Vienne ; Fatou en écrit la fiche projet.

> « Si on veut que les bénévoles restent, il faut leur rendre les résultats vite. » — Chloé

## Décisions

| Sujet | Décision |
|---|---|
| Charte de fonctionnement | validée par consentement, sans objection |
| Inventaire des mares | lancé sur le bassin de la Vienne, piloté par le groupe zones humides |
| Subvention de l'Agence de l'eau | dossier déposé par le réseau, porté par le CPIE |

## Actions

| Qui | Quoi | Pour quand |
|---|---|---|
| Camille | mettre en ligne la charte validée | la semaine prochaine |
| Fatou | rédiger la fiche projet de l'inventaire des mares | fin du mois |
| Élise | monter le dossier de subvention avec Bruno | avant le prochain comité |
"""
MEETING_1_ACTION = (
    "| Aïcha | écrire le protocole d'inventaire avec Fatou | avant la première sortie |\n"
)

MEETING_2 = """\
**Présents** : Camille Martin, Élise Girard, Aïcha Benali, Bruno Lefèvre, Fatou Diop, \
Guillaume Roux, Olivier Dumas.

**Animation** : Camille. **Prise de notes** : Élise.

## Ordre du jour

1. Bilan d'étape de l'inventaire des mares
2. Projet de haies avec le groupe agriculture et qualité de l'eau
3. Mode de décision : la proposition de Bruno
4. Subvention de l'Agence de l'eau

## Ce que nous retenons

- **Mares** : 52 mares visitées par 14 bénévoles ; trois nouvelles stations de triton crêté, \
transmises au Conservatoire.
- **Haies** : quatre exploitations volontaires autour des captages de l'Île-Bouchard.
- **Mode de décision** : Bruno propose de voter à la majorité pour aller plus vite. Le comité \
garde le consentement, avec un délai : sans objection sous huit jours, une proposition faite en \
ligne est adoptée.
- **Subvention** : accord de principe de l'Agence de l'eau pour 16 000 €.

## Décisions

| Sujet | Décision |
|---|---|
| Mode de décision | consentement maintenu ; décision en ligne après huit jours sans objection |
| Projet de haies | soutenu par le réseau, élargi aux bandes enherbées |
| Subvention | 16 000 € sur deux ans, dont 6 000 € pour l'inventaire des mares |

## Actions

| Qui | Quoi | Pour quand |
|---|---|---|
| Guillaume | compléter la fiche projet des haies | prochain comité |
| Camille | proposer le délai de huit jours dans la charte | rencontre annuelle |
| Aïcha | organiser la restitution aux bénévoles | avant l'été |
"""

MEETING_3 = """\
**Présents** : Camille Martin, Élise Girard, Aïcha Benali, Fatou Diop, Guillaume Roux, Samuel \
Ferreira, Inès Fontaine.

**Animation** : Élise. **Prise de notes** : Camille.

## Ordre du jour

1. Préparation de la rencontre annuelle à Chinon
2. Référents des groupes de travail
3. Avis du réseau sur le projet de SAGE

## Ce que nous retenons

La rencontre annuelle aura lieu à Chinon, salle du Carroi. Chaque groupe de travail aura un ou \
une référente, en lien avec le comité de pilotage, pour que l'animation ne repose pas sur les \
seules animatrices.

## Décisions

| Sujet | Décision |
|---|---|
| Rencontre annuelle | une journée : les mares le matin, le SAGE l'après-midi |
| Référents | Fatou pour les zones humides, Samuel pour l'agriculture ; à ajouter à la charte |
| Avis sur le SAGE | une contribution commune, préparée dans la concertation en ligne |

## Actions

| Qui | Quoi | Pour quand |
|---|---|---|
| Élise | ajouter les référents à la charte | cette semaine |
| Camille | réserver la salle et envoyer l'invitation | dans quinze jours |
| Inès | faire la synthèse des contributions à la concertation | avant la rencontre |
"""
MEETING_3_ACTION = "| Fatou | présenter la carte des mares à la rencontre | rencontre annuelle |\n"

PONDS_SHEET = """\
**Porteur** : groupe de travail zones humides. **Contact** : Fatou Diop (Les Amis de la Vienne).

## Le projet

Les mares disparaissent sans bruit : comblées, drainées ou envahies par les ligneux. Nous \
voulons savoir combien il en reste sur le bassin de la Vienne tourangelle, dans quel état, et \
lesquelles protéger en priorité.

## Objectifs

- visiter **150 mares** en deux saisons, avec les bénévoles des associations ;
- noter pour chaque mare son état, les amphibiens et les plantes aquatiques ;
- partager les résultats sur la carte collaborative des mares ;
- proposer aux communes une liste de mares à préserver.

## Partenaires

| Structure | Rôle |
|---|---|
| Les Amis de la Vienne | coordination des bénévoles |
| CPIE Touraine Val de Loire | formation des bénévoles |
| Fédération de pêche d'Indre-et-Loire | appui technique |
| Conservatoire d'espaces naturels | données des espèces sensibles |

## Calendrier

1. Hiver : formation des bénévoles au protocole.
2. Printemps : première saison de visites, avec l'écoute nocturne des amphibiens.
3. Automne : bilan et restitution aux communes.
"""
PONDS_SECTORS = """
## Secteurs

- Chinonais : 40 mares (Fatou, Lucas) ;
- Véron et Seuilly : 25 mares (Lucas, avec le CPIE) ;
- Richelais : 35 mares (bénévoles des Amis de la Vienne) ;
- vallée de la Manse : 50 mares (à répartir).
"""
PONDS_REVIEW = """
## Bilan de mi-parcours

**84 mares visitées sur 150** par 19 bénévoles. Une sur huit est comblée ou à sec toute \
l'année ; les autres abritent surtout la grenouille agile et le triton palmé.

> Les communes du Véron ont demandé la liste de leurs mares pour leur PLUi : la restitution \
commence avant la fin de l'inventaire.
"""
PONDS_DRAGONFLIES = """
Libellules observées pendant le stage de Théo : leste vert, aeschne affine, sympétrum sanguin \
et, dans deux mares du Véron, la rare leucorrhine à front blanc (transmise au Conservatoire).
"""

HEDGES_SHEET = """\
**Porteur** : groupe de travail agriculture et qualité de l'eau. **Contact** : Guillaume Roux \
(Chambre d'agriculture).

## Le projet

Autour des captages d'eau potable, les haies freinent le ruissellement et retiennent une partie \
des nitrates et des pesticides. Nous accompagnons des exploitations volontaires pour en planter \
là où elles sont le plus utiles.

## Objectifs

- planter **3 km de haies** en deux hivers autour des captages de l'Île-Bouchard ;
- choisir des essences locales : charme, érable champêtre, cornouiller, noisetier ;
- suivre leur effet sur la qualité de l'eau avec l'INRAE.

## Exploitations volontaires

| Exploitation | Commune | Linéaire prévu |
|---|---|---|
| Exploitation n° 1 | Crouzilles | 800 m |
| Exploitation n° 2 | Tavant | 600 m |
"""
HEDGES_FARM = "| GAEC des Prés de la Vienne | L'Île-Bouchard | 1 200 m |\n"
HEDGES_MONITORING = """
## Suivi

1. Nitrates dans les eaux de drainage, avant et après plantation (INRAE).
2. Taux de reprise des plants à un an.
3. Oiseaux et insectes auxiliaires des haies, avec la LPO.
"""

PROTOCOL_TEXT = """\
Ce protocole est commun à toutes les sorties : il permet de comparer les mares entre elles et \
d'une année sur l'autre.

## Matériel

- bottes, gants et épuisette à maille fine ;
- une fiche terrain par mare et un crayon à papier ;
- un téléphone avec la carte collaborative des mares ;
- une lampe frontale pour l'écoute nocturne des amphibiens.

## Sur place

1. Repérer la mare sur la carte ; si elle n'y est pas, l'ajouter.
2. Noter son état : en eau, à sec, comblée, envahie par la végétation.
3. Compter les pontes et les adultes d'amphibiens, sans manipuler les animaux.
4. Photographier la mare depuis le même point à chaque visite.

## Espèces sensibles

> Ne notez jamais la localisation précise d'une espèce protégée sur la carte : transmettez-la \
à Fatou, qui la fait suivre au Conservatoire.
"""
PROTOCOL_SHEET = """
## Fiche terrain

| Champ | Exemple |
|---|---|
| Date et observateur | 12 mars, Fatou D. |
| Commune | Seuilly |
| État de la mare | en eau, berges piétinées |
| Amphibiens | grenouille agile, 14 pontes |
| Photo | n° 3 |
"""
PROTOCOL_PLANTS = """
## Plantes indicatrices

- renoncule aquatique : plutôt bon signe, eau claire ;
- lentilles d'eau en tapis : eau trop riche en nutriments ;
- jussie : espèce invasive, à signaler tout de suite à Pauline.
"""
PROTOCOL_BIRDS = (
    "5. Noter les oiseaux d'eau vus ou entendus : poule d'eau, martin-pêcheur, héron cendré.\n"
)

OUTINGS = f"""\
Les prochaines sorties du groupe. Inscrivez-vous en ajoutant votre prénom, huit personnes au \
plus par sortie. Avant votre première sortie, lisez le [[{PROTOCOL}]].

| Sortie | Rendez-vous | Inscrits |
|---|---|---|
| Mares du Véron | samedi, 9 h, CPIE de Seuilly | Aïcha, Fatou |
| Écoute nocturne des amphibiens | vendredi, 20 h 30, mairie de Beaumont-en-Véron | Aïcha |
| Mares de la forêt de Chinon | samedi, 9 h, parking des Quatre-Chênes | Fatou |
"""
OUTINGS_CARPOOL = """
## Covoiturage

Départ de Chinon, place du Général-de-Gaulle, à 8 h 30 : trois places dans la voiture de Lucas.
"""


# The history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing someone did in a wiki, ``days`` ago at ``hour``:``minute``."""

    days: int
    hour: int
    minute: int
    who: str
    do: str  # enable, create, save, restore, rename or move
    page: str = ""  # key of the page
    space: str = ""  # enable and create: key of the space
    title: str = ""
    body: str = ""
    comment: str = ""
    number: int = 0  # restore: the revision restored; save: the base revision (0: the current)
    parent: str = ""  # move: key of the parent page


def meeting_day(today: date, days_ago: int) -> date:
    """The Tuesday on or before ``days_ago`` days ago, a week earlier on a public holiday."""
    day = today - timedelta(days=days_ago)
    day -= timedelta(days=(day.weekday() - 1) % 7)
    while (day.month, day.day) in HOLIDAYS:
        day -= timedelta(days=7)
    return day


def french_date(day: date) -> str:
    """ "3 février 2026", "1er mars 2026", whatever language is active."""
    from django.utils import formats, translation

    with translation.override("fr"):
        month = formats.date_format(day, "F Y")
    return f"{'1er' if day.day == 1 else day.day} {month}"


def minutes_title(day: date) -> str:
    return f"Compte rendu — comité de pilotage du {french_date(day)}"


def history(today: date) -> list[Step]:
    """Everything written in the two wikis, in the order it happened."""
    meetings = [meeting_day(today, days) for days in MEETINGS]
    titles = [minutes_title(day) for day in meetings]
    # The minutes are written the day after each meeting (days ago).
    cr1, cr2, cr3 = ((today - day).days - 1 for day in meetings)
    charter_v4 = CHARTER + CHARTER_DECISIONS + CHARTER_GROUPS + CHARTER_DATA
    charter_v5 = f"*Version validée par le comité de pilotage du {french_date(meetings[0])}.*\n\n"
    charter_v5 += charter_v4
    hedges = HEDGES_SHEET + HEDGES_FARM
    ponds = PONDS_SHEET + PONDS_SECTORS + PONDS_REVIEW
    protocol = PROTOCOL_TEXT + PROTOCOL_SHEET + PROTOCOL_PLANTS
    outings = OUTINGS.replace("| Aïcha, Fatou |", "| Aïcha, Fatou, Théo |").replace(
        "| Aïcha |", "| Aïcha, Théo |"
    )

    def index(count: int) -> str:
        return MINUTES_INDEX + "".join(f"- [[{title}]]\n" for title in reversed(titles[:count]))

    steps = [
        Step(160, 9, 10, CAMILLE, "enable", space=NETWORK),
        Step(159, 10, 0, CAMILLE, "create", "home", NETWORK, "Accueil", HOME,
             "Première version de l'accueil du wiki"),
        Step(105, 11, 30, CAMILLE, "save", "home", body=HOME + HOME_PROJECTS,
             comment="Ajout des fiches projet"),
        Step(20, 9, 45, CAMILLE, "save", "home",
             body=HOME + HOME_PROJECTS.replace(HEDGES_OLD, HEDGES_NEW) + HOME_NEXT,
             comment="Rencontre annuelle ; nouveau nom de la fiche haies"),
        # The charter: several hands, a change of the decision rule undone, a later addition.
        Step(158, 14, 20, CAMILLE, "create", "charter", NETWORK, "Charte de fonctionnement",
             CHARTER, "Première version, reprise des notes de la rencontre de lancement"),
        Step(152, 18, 5, ELISE, "save", "charter", body=CHARTER + CHARTER_DECISIONS,
             comment="Ajout de la section décisions"),
        Step(147, 12, 40, AICHA, "save", "charter",
             body=CHARTER + CHARTER_DECISIONS + CHARTER_GROUPS,
             comment="Ajout de la section sur les groupes de travail"),
        Step(142, 21, 15, INES, "save", "charter", body=charter_v4,
             comment="Ajout : partage des données, licence ouverte"),
        Step(cr1, 17, 0, CAMILLE, "save", "charter", body=charter_v5,
             comment="Version validée par le comité de pilotage"),
        Step(100, 22, 10, BRUNO, "save", "charter", body=charter_v5.replace(CONSENT, MAJORITY),
             comment="Proposition : décider à la majorité, c'est plus rapide"),
        Step(99, 8, 50, CAMILLE, "restore", "charter", number=5,
             comment="Retour à la version validée : un changement du mode de décision se "
             "discute d'abord en comité de pilotage"),
        Step(cr3 - 1, 11, 20, ELISE, "save", "charter",
             body=charter_v5.replace(GROUPS_THEN, GROUPS_NOW),
             comment="Ajout des référents de groupe, décidés en comité de pilotage"),
        # The minutes, each under their index page.
        Step(cr1, 9, 30, ELISE, "create", "minutes", NETWORK, "Comptes rendus", index(1),
             "Une page pour ranger les comptes rendus"),
        Step(cr1, 10, 0, ELISE, "create", "cr1", NETWORK, titles[0], MEETING_1,
             "Compte rendu relu par Camille"),
        Step(cr1, 10, 5, ELISE, "move", "cr1", parent="minutes"),
        Step(cr1 - 1, 16, 30, AICHA, "save", "cr1", body=MEETING_1 + MEETING_1_ACTION,
             comment="Ajout des actions du groupe zones humides"),
        Step(cr2, 9, 15, ELISE, "create", "cr2", NETWORK, titles[1], MEETING_2),
        Step(cr2, 9, 20, ELISE, "move", "cr2", parent="minutes"),
        Step(cr2, 9, 25, ELISE, "save", "minutes", body=index(2),
             comment="Ajout du dernier compte rendu"),
        Step(cr2 - 1, 13, 50, CAMILLE, "save", "cr2",
             body=MEETING_2.replace("16 000 €", "18 000 €"),
             comment="Correction du montant de la subvention"),
        Step(cr2 - 3, 18, 40, BRUNO, "save", "cr2",
             body=MEETING_2.replace("16 000 €", "18 000 €").replace(
                 "l'Île-Bouchard.", f"l'Île-Bouchard : voir la [[{HEDGES_OLD}]]."
             ),
             comment="Lien vers la fiche projet des haies"),
        Step(cr3, 10, 0, CAMILLE, "create", "cr3", NETWORK, titles[2], MEETING_3),
        Step(cr3, 10, 5, CAMILLE, "move", "cr3", parent="minutes"),
        Step(cr3, 10, 10, CAMILLE, "save", "minutes", body=index(3),
             comment="Ajout du dernier compte rendu"),
        Step(cr3, 14, 0, ELISE, "save", "cr3",
             body=MEETING_3.replace("Inès Fontaine.", "Inès Fontaine. **Excusés** : Bruno "
                                    "Lefèvre, Olivier Dumas."),
             comment="Relecture : ajout des excusés"),
        # Written from the first version while Élise was saving hers: merged with it.
        Step(cr3, 14, 20, FATOU, "save", "cr3", body=MEETING_3 + MEETING_3_ACTION, number=1,
             comment="Ajout de mon action pour la rencontre"),
        # The project sheets; the hedges one is renamed when the project grows.
        Step(cr1 - 4, 20, 30, FATOU, "create", "ponds", NETWORK, PONDS, PONDS_SHEET,
             "Fiche projet demandée par le comité de pilotage"),
        Step(cr1 - 15, 19, 0, LUCAS, "save", "ponds", body=PONDS_SHEET + PONDS_SECTORS,
             comment="Ajout des secteurs, dont le Véron et Seuilly"),
        Step(58, 9, 0, AICHA, "save", "ponds", body=ponds, comment="Bilan de mi-parcours"),
        Step(9, 21, 30, THEO, "save", "ponds", body=ponds + PONDS_DRAGONFLIES,
             comment="Ajout des libellules observées pendant mon stage"),
        Step(110, 15, 0, GUILLAUME, "create", "hedges", NETWORK, HEDGES_OLD, HEDGES_SHEET,
             "Fiche projet du groupe agriculture et qualité de l'eau"),
        Step(100, 20, 45, SAMUEL, "save", "hedges", body=hedges,
             comment="Ajout de notre exploitation"),
        Step(70, 10, 30, OLIVIER, "save", "hedges", body=hedges + HEDGES_MONITORING,
             comment="Indicateurs de suivi"),
        Step(65, 8, 30, GUILLAUME, "rename", "hedges", title=HEDGES_NEW,
             comment="Le projet s'étend aux bandes enherbées, comme décidé en comité"),
        # The wetlands group's own wiki.
        Step(150, 9, 0, AICHA, "enable", space=WETLANDS),
        Step(149, 14, 0, AICHA, "create", "protocol", WETLANDS, PROTOCOL, PROTOCOL_TEXT,
             "Le protocole de la formation des bénévoles"),
        Step(138, 17, 30, FATOU, "save", "protocol", body=PROTOCOL_TEXT + PROTOCOL_SHEET,
             comment="Ajout de la fiche terrain"),
        Step(85, 11, 10, PAULINE, "save", "protocol", body=protocol,
             comment="Ajout des plantes indicatrices"),
        Step(50, 7, 55, CHLOE, "save", "protocol",
             body=protocol.replace("à chaque visite.\n", "à chaque visite.\n" + PROTOCOL_BIRDS),
             comment="Noter aussi les oiseaux d'eau"),
        Step(16, 18, 0, AICHA, "create", "outings", WETLANDS, "Calendrier des sorties", OUTINGS,
             "Les sorties du printemps"),
        Step(8, 20, 10, THEO, "save", "outings", body=outings,
             comment="Inscription aux deux premières sorties"),
        Step(4, 12, 15, LUCAS, "save", "outings", body=outings + OUTINGS_CARPOOL,
             comment="Covoiturage depuis Chinon"),
    ]  # fmt: skip
    return sorted(steps, key=lambda step: (-step.days, step.hour, step.minute))


# Writing it -----------------------------------------------------------------------------------


@dataclass
class _Writer:
    """Runs the steps through the wiki's actions and dates what each one wrote."""

    seeding: Any  # spaces.demo._Seeding: today and now, for _moment
    spaces: dict[str, Any]  # key → Space
    users: dict[str, Any]  # name → User
    pages: dict[str, Any] = field(default_factory=dict)  # key → Page
    created: list[tuple[str, str, Any]] = field(default_factory=list)  # key, creator, when
    accesses: dict[tuple[int, str], Any] = field(default_factory=dict)

    def access(self, space: Any, name: str) -> Any:
        """What the door gives ``name`` in the space's wiki (actions check it again anyway)."""
        from coopilote.spaces.access import ToolAccess, access_for
        from coopilote.spaces.models import SpaceTool
        from coopilote.tools.wiki.manifest import KEY, MANIFEST

        if (space.pk, name) not in self.accesses:
            self.accesses[(space.pk, name)] = ToolAccess(
                space_access=access_for(space, self.users[name]),
                tool=SpaceTool.objects.get(space=space, tool_key=KEY),
                manifest=MANIFEST,
            )
        return self.accesses[(space.pk, name)]

    def run(self, step: Step) -> None:
        from django.db.models import Max

        from coopilote.spaces import actions as spaces_actions
        from coopilote.spaces.access import access_for
        from coopilote.spaces.demo import _moment, _then
        from coopilote.spaces.models import SpaceTool
        from coopilote.tools.wiki import actions
        from coopilote.tools.wiki.manifest import KEY
        from coopilote.tools.wiki.models import Page, PageRedirect, Revision

        when = _moment(self.seeding, step.days, step.hour, step.minute)
        if step.do == "enable":
            access = access_for(self.spaces[step.space], self.users[step.who])
            tool = _then(when, spaces_actions.space_tool_enable, access=access, tool_key=KEY)
            SpaceTool.objects.filter(pk=tool.pk).update(created_at=when)
            return
        if step.do == "create":
            access = self.access(self.spaces[step.space], step.who)
            page = _then(
                when,
                actions.page_create,
                access=access,
                title=step.title,
                body=step.body,
                comment=step.comment,
            )
            # Followers come after the whole history (``follow``): replaying months of edits
            # today must not fill the outbox with mail about them.
            actions.page_unfollow(access=access, page=page)
            Page.objects.filter(pk=page.pk).update(created_at=when)
            self.pages[step.page] = page
            self.created.append((step.page, step.who, when))
            last = 0
        else:
            page = self.pages[step.page]
            access = self.access(page.space, step.who)
            last = Revision.objects.filter(page=page).aggregate(last=Max("number"))["last"]
        if step.do == "save":
            _then(
                when,
                actions.page_save,
                access=access,
                page=page,
                title=page.title,
                body=step.body,
                comment=step.comment,
                base_number=step.number or last,
            )
        elif step.do == "restore":
            _then(
                when,
                actions.page_restore,
                access=access,
                page=page,
                number=step.number,
                comment=step.comment,
            )
        elif step.do == "rename":
            page.title = _then(
                when,
                actions.page_rename,
                access=access,
                page=page,
                title=step.title,
                comment=step.comment,
            ).title
            PageRedirect.objects.filter(page=page).update(created_at=when)
        elif step.do == "move":
            _then(when, actions.page_move, access=access, page=page, parent=self.pages[step.parent])
        if Revision.objects.filter(page=page, number__gt=last).update(created_at=when):
            Page.objects.filter(pk=page.pk).update(updated_at=when)

    def follow(self, key: str, name: str, when: Any) -> None:
        from coopilote.tools.wiki import actions
        from coopilote.tools.wiki.models import PageFollower

        page = self.pages[key]
        actions.page_follow(access=self.access(page.space, name), page=page)
        PageFollower.objects.filter(page=page, user=self.users[name]).update(created_at=when)


def seed_wiki() -> str:
    import random

    from django.utils import timezone

    from coopilote.accounts.models import User
    from coopilote.activity.rollups import local_today, roll_up
    from coopilote.spaces.demo import GROUPS, NETWORK_SLUG, _moment, _Seeding
    from coopilote.spaces.models import Space, SpaceTool
    from coopilote.tools.wiki.manifest import KEY
    from coopilote.tools.wiki.models import Revision

    group_slug = next(group.slug for group in GROUPS if group.key == WETLANDS)
    found = {
        space.slug: space
        for space in Space.objects.filter(slug__in=[NETWORK_SLUG, group_slug]).select_related(
            "parent"
        )
    }
    network = found.get(NETWORK_SLUG)
    if network is None:
        return "no demo network, no wiki pages."
    if SpaceTool.objects.filter(space=network, tool_key=KEY).exists():
        return "demo wiki already there."
    today = local_today()
    steps = history(today)
    names = {step.who for step in steps} | {name for _key, name, _days in FOLLOWERS}
    users = {
        user.display_name: user
        for user in User.objects.filter(memberships__space=network, display_name__in=names)
    }
    if group_slug not in found or len(users) != len(names):
        return "the demo network has changed since it was loaded: no wiki pages added."
    spaces = {NETWORK: network, WETLANDS: found[group_slug]}
    seeding = _Seeding(now=timezone.now(), today=today, rng=random.Random())  # noqa: S311
    writer = _Writer(seeding=seeding, spaces=spaces, users=users)
    for step in steps:
        writer.run(step)
    for key, creator, when in writer.created:
        writer.follow(key, creator, when)
    created = {key: when for key, _creator, when in writer.created}
    for key, name, days in FOLLOWERS:
        writer.follow(key, name, max(_moment(seeding, days, 19), created[key]))
    # The scheduled job had already rolled these days up, before the wiki's events existed.
    roll_up(today - timedelta(days=steps[0].days), today - timedelta(days=1))
    revisions = Revision.objects.filter(page__space__in=spaces.values()).count()
    return (
        f"{len(writer.pages)} wiki pages with {revisions} revisions in “{network.name}” and "
        f"“{spaces[WETLANDS].name}”."
    )
