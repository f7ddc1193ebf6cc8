from django.urls import path

from coopilote.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("avatar/<int:user_id>/", views.avatar, name="avatar"),
    path("personal-data/", views.personal_data, name="personal_data"),
    path("personal-data/download/", views.personal_data_download, name="personal_data_download"),
    path("delete/", views.delete_account, name="delete"),
]
