from django.urls import path

from coopilote.spaces.views import directory, home, invitations, members, spaces, tools

app_name = "spaces"

# Addresses under /s/<slug>/ that are the platform's own; tool slugs may not take them.
RESERVED_SUBPATHS = frozenset(
    {"modifier", "parametres", "statut", "quitter", "rejoindre", "demandes", "membres",
     "invitations", "journal", "outils", "activite", "accueil", "lecture"}
)  # fmt: skip

urlpatterns = [
    path("s/nouveau/", spaces.create, name="create"),
    path("s/<slug:slug>/", spaces.detail, name="detail"),
    path("s/<slug:slug>/modifier/", spaces.edit, name="edit"),
    path("s/<slug:slug>/parametres/", spaces.settings_view, name="settings"),
    path("s/<slug:slug>/statut/<str:status>/", spaces.change_status, name="change_status"),
    path("s/<slug:slug>/quitter/", spaces.leave, name="leave"),
    # The gare centrale's blocks, its activity feed, reading measurement
    path("s/<slug:slug>/activite/", home.activity, name="activity"),
    path("s/<slug:slug>/accueil/<str:block>/", home.home_block, name="home_block"),
    path(
        "s/<slug:slug>/accueil/<str:block>/modifier/",
        home.home_block_edit,
        name="home_block_edit",
    ),
    path("s/<slug:slug>/lecture/", home.reading_choice, name="reading_choice"),
    # Joining and managing members
    path("s/<slug:slug>/rejoindre/", members.join, name="join"),
    path("s/<slug:slug>/rejoindre/retirer/", members.withdraw, name="join_withdraw"),
    path("s/<slug:slug>/demandes/", members.join_requests, name="join_requests"),
    path(
        "s/<slug:slug>/demandes/<int:request_id>/",
        members.join_request_decide,
        name="join_request_decide",
    ),
    path("s/<slug:slug>/membres/gerer/", members.manage, name="manage_members"),
    path(
        "s/<slug:slug>/membres/gerer/<int:membership_id>/role/",
        members.change_role,
        name="change_role",
    ),
    path(
        "s/<slug:slug>/membres/gerer/<int:membership_id>/retirer/",
        members.remove,
        name="remove_member",
    ),
    path("s/<slug:slug>/journal/", members.log, name="membership_log"),
    # Directory ("qui sait quoi")
    path("s/<slug:slug>/membres/", directory.directory, name="directory"),
    path("s/<slug:slug>/membres/ma-fiche/", directory.my_card, name="my_card"),
    path("s/<slug:slug>/membres/<int:user_id>/", directory.member, name="member"),
    # Invitations
    path("s/<slug:slug>/invitations/", invitations.pending, name="invitations"),
    path("s/<slug:slug>/invitations/nouvelles/", invitations.invite, name="invite"),
    path(
        "s/<slug:slug>/invitations/<int:invitation_id>/renvoyer/",
        invitations.resend,
        name="invitation_resend",
    ),
    path(
        "s/<slug:slug>/invitations/<int:invitation_id>/revoquer/",
        invitations.revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitations.open_link, name="invitation"),
    path(
        "mes-invitations/<int:invitation_id>/",
        invitations.answer_listed,
        name="invitation_answer",
    ),
    # Tools of a space
    path("s/<slug:slug>/outils/", tools.tools, name="tools"),
    path("s/<slug:slug>/outils/<str:tool_key>/activer/", tools.enable, name="tool_enable"),
    path("s/<slug:slug>/outils/<str:tool_key>/desactiver/", tools.disable, name="tool_disable"),
    path("s/<slug:slug>/outils/<str:tool_key>/renommer/", tools.rename, name="tool_rename"),
    path("s/<slug:slug>/outils/<str:tool_key>/deplacer/", tools.move, name="tool_move"),
]
