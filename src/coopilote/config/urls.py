from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from coopilote.core import views as core_views
from coopilote.spaces import registry
from coopilote.spaces.views import spaces as spaces_views

urlpatterns = [
    path("", spaces_views.home, name="home"),
    path("baseline/", core_views.baseline, name="baseline"),
    path("accessibilite/", core_views.accessibility, name="accessibility"),
    path("mentions-legales/", core_views.legal_notice, name="legal_notice"),
    path("confidentialite/", core_views.privacy, name="privacy"),
    path("langue/", core_views.set_language, name="set_language"),
    path("accounts/", include("coopilote.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("mail/", include("coopilote.mail.urls")),
    path("admin/", admin.site.urls),
    path("", include("coopilote.spaces.urls")),
    # Each registered tool under /s/<space>/<tool slug>/, its URL names in the tool's namespace.
    *(
        path(f"s/<slug:slug>/{manifest.slug}/", include((manifest.urls, manifest.key)))
        for manifest in registry.manifests()
    ),
]

handler429 = "coopilote.core.views.too_many_requests"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
