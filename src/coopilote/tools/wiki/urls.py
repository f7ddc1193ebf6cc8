"""Mounted under /s/<space>/wiki/ in the ``wiki`` namespace (see the manifest).

Top-level words used here are reserved page addresses (``markup.RESERVED_SLUGS``).
"""

from django.urls import path

from coopilote.tools.wiki import views, views_templates

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle-page/", views.create, name="create"),
    path("nouvelle-page/brouillon/", views.draft_save, name="new_draft_save"),
    path("nouvelle-page/brouillon/abandonner/", views.draft_discard, name="new_draft_discard"),
    path("apercu/", views.preview, name="preview"),
    path("plan/", views.tree, name="tree"),
    path("corbeille/", views.trash, name="trash"),
    path("corbeille/<int:page_id>/restaurer/", views.undelete, name="undelete"),
    path("changements/", views.changes, name="changes"),
    path("modeles/", views_templates.templates, name="templates"),
    path("modeles/nouveau/", views_templates.template_create, name="template_create"),
    path("modeles/<slug:ref>/modifier/", views_templates.template_edit, name="template_edit"),
    path("modeles/<slug:ref>/retirer/", views_templates.template_remove, name="template_remove"),
    path("modeles/<slug:ref>/retablir/", views_templates.template_reset, name="template_reset"),
    path("<slug:page_slug>/", views.page, name="page"),
    path("<slug:page_slug>/modifier/", views.edit, name="edit"),
    path("<slug:page_slug>/renommer/", views.rename, name="rename"),
    path("<slug:page_slug>/deplacer/", views.move, name="move"),
    path("<slug:page_slug>/supprimer/", views.delete, name="delete"),
    path("<slug:page_slug>/historique/", views.history, name="history"),
    path("<slug:page_slug>/suivre/", views.follow, name="follow"),
    path("<slug:page_slug>/ne-plus-suivre/", views.unfollow, name="unfollow"),
    path("<slug:page_slug>/differences/", views.diff, name="diff"),
    path("<slug:page_slug>/version/<int:number>/", views.revision, name="revision"),
    path("<slug:page_slug>/version/<int:number>/restaurer/", views.restore, name="restore"),
    path("<slug:page_slug>/brouillon/", views.draft_save, name="draft_save"),
    path("<slug:page_slug>/brouillon/abandonner/", views.draft_discard, name="draft_discard"),
]
