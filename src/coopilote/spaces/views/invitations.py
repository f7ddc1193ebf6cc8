"""Invitations. PLACEHOLDER: to be written (issue 3, invitations part)."""

from django.http import Http404


def pending(request, slug):
    raise Http404


def invite(request, slug):
    raise Http404


def resend(request, slug, invitation_id):
    raise Http404


def revoke(request, slug, invitation_id):
    raise Http404


def open_link(request, token):
    raise Http404


def answer_listed(request, invitation_id):
    raise Http404
