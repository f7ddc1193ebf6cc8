"""Mounted under /s/<space>/bibliotheque/ in the ``library`` namespace (see the manifest).

Resources are named by their 32-hex-digit public identifier (``<rid:public_id>``), which no
fixed word of these routes can be mistaken for.
"""

from django.urls import path, register_converter

from coopilote.tools.library import (
    views,
    views_bulk,
    views_collections,
    views_export,
    views_social,
)


class ResourceId:
    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ResourceId, "rid")

urlpatterns = [
    path("", views.index, name="index"),
    path("ajouter/", views.add, name="add"),
    path("<rid:public_id>/", views.resource, name="resource"),
    path("<rid:public_id>/modifier/", views.edit, name="edit"),
    path("<rid:public_id>/nouvelle-version/", views.new_version, name="new_version"),
    path("<rid:public_id>/supprimer/", views.delete, name="delete"),
    path("<rid:public_id>/telecharger/", views.download, name="download"),
    path("<rid:public_id>/versions/<int:number>/", views.version, name="version"),
    path("<rid:public_id>/apercu/", views.thumbnail, name="thumbnail"),
    path("export.csv", views_export.export_csv, name="export_csv"),
    path("export.json", views_export.export_json, name="export_json"),
    # Sharing, favourites, comments (views_social) and collections (views_collections).
    path("<rid:public_id>/partager/", views_social.share, name="share"),
    path("<rid:public_id>/ne-plus-partager/", views_social.unshare, name="unshare"),
    path("<rid:public_id>/favori/", views_social.favourite, name="favourite"),
    path("favoris/", views_social.favourites, name="favourites"),
    path("<rid:public_id>/commentaires/", views_social.comment_add, name="comment_add"),
    path(
        "<rid:public_id>/commentaires/<int:comment_id>/supprimer/",
        views_social.comment_delete,
        name="comment_delete",
    ),
    path("collections/", views_collections.collection_list, name="collections"),
    path("collections/nouvelle/", views_collections.collection_create, name="collection_create"),
    path("collections/<slug:collection_slug>/", views_collections.collection, name="collection"),
    path(
        "collections/<slug:collection_slug>/modifier/",
        views_collections.collection_edit,
        name="collection_edit",
    ),
    path(
        "collections/<slug:collection_slug>/supprimer/",
        views_collections.collection_delete,
        name="collection_delete",
    ),
    path(
        "collections/<slug:collection_slug>/deplacer/",
        views_collections.collection_move,
        name="collection_move",
    ),
    path(
        "collections/<slug:collection_slug>/retirer/",
        views_collections.collection_remove,
        name="collection_remove",
    ),
    path(
        "<rid:public_id>/ajouter-a-une-collection/",
        views_collections.collection_add,
        name="collection_add",
    ),
    # Several files at once, then their details (views_bulk).
    path("ajouter-plusieurs-fichiers/", views_bulk.bulk_add, name="bulk_add"),
    path("ajouter-plusieurs-fichiers/details/", views_bulk.bulk_details, name="bulk_details"),
]
