from django.urls import reverse


def test_a_space_opened_from_the_form_has_its_creator_as_owner(personas):
    space, clients = personas("public", description="**Eau** <script>x</script>")
    assert space.member_count == 4
    response = clients["anonymous"].get(reverse("spaces:detail", args=[space.slug]))
    assert response.status_code == 200
    assert b"<strong>Eau</strong>" in response.content
    assert b"<script>x" not in response.content
    response = clients["owner"].get(reverse("home"))
    assert space.name.encode() in response.content
