"""Exact query counts of the account pages; they must not grow with the profile's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.models import Tag


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("tags", [1, 20])
def test_profile_page_runs_four_queries_whatever_the_number_of_tags(member_client, user, tags):
    user.skills.set(Tag.from_names([f"compétence {n}" for n in range(tags)]))
    user.interests.set(Tag.from_names([f"intérêt {n}" for n in range(tags)]))
    # session, user, skills, interests
    assert count_queries(member_client, reverse("accounts:profile")) == 4


@pytest.mark.django_db
def test_baseline_page_runs_no_query(client):
    assert count_queries(client, reverse("baseline")) == 0
