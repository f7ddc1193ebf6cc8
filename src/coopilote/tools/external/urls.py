"""Mounted under /s/<space>/outils-externes/ in the ``external`` namespace (see the manifest)."""

from django.urls import path

from coopilote.tools.external import views

urlpatterns = [
    path("", views.index, name="index"),
    path("ajouter/", views.add, name="add"),
    path("<int:tool_id>/modifier/", views.edit, name="edit"),
    path("<int:tool_id>/supprimer/", views.delete, name="delete"),
    path("<int:tool_id>/deplacer/", views.move, name="move"),
    path("<int:tool_id>/ouvrir/", views.open_tool, name="open"),
]
