"""Join requests and member management. PLACEHOLDER: to be written (issue 3, members part)."""

from django.http import Http404


def join(request, slug):
    raise Http404


def withdraw(request, slug):
    raise Http404


def join_requests(request, slug):
    raise Http404


def join_request_decide(request, slug, request_id):
    raise Http404


def manage(request, slug):
    raise Http404


def change_role(request, slug, membership_id):
    raise Http404


def remove(request, slug, membership_id):
    raise Http404


def log(request, slug):
    raise Http404
