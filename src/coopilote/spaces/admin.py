from django.contrib import admin

from coopilote.spaces.models import Invitation, JoinRequest, Membership, SlugRedirect, Space


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "visibility", "status", "member_count"]
    list_filter = ["kind", "field", "visibility", "status"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["parent", "created_by"]
    readonly_fields = ["slug", "member_count", "created_at", "status_changed_at"]
    inlines = [MembershipInline]
    list_select_related = ["parent"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "space", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "space__name"]
    raw_id_fields = ["space", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["space", "user", "decided_by"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["slug", "space", "created_at"]
    raw_id_fields = ["space"]
