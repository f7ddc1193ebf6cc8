"""Member directory ("qui sait quoi"). PLACEHOLDER: to be written (issue 3, directory part)."""

from django.http import Http404


def directory(request, slug):
    raise Http404


def member(request, slug, user_id):
    raise Http404
