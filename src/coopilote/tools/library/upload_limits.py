"""SEC-T27: the library's upload views stop reading a request body once it is too large.

Django reads a multipart body before the view runs, writing files over 2.5 MB to temporary
files. Checking the size afterwards (``uploads.inspect``) would let anyone fill the disk with
one request, so the library's upload views put ``LimitedUpload`` first among the request's
upload handlers. It counts the bytes of each file and of all files together as they arrive and
stops the upload (``StopUpload``) as soon as a limit is passed, whatever the request announced:
a ``Content-Length`` (of the request or of a part) is only trusted to refuse early, never to
accept. Django then closes the temporary file being written, which deletes it.

The limits: ``LIBRARY_MAX_UPLOAD_BYTES`` per file, and ``LIBRARY_MAX_FILES_PER_REQUEST`` times
that for all the files of one request. Handlers can only be changed before anything reads the
body, so such a view is ``csrf_exempt`` and checks CSRF itself once the handlers are in place
(``csrf_protect``), as Django's documentation on upload handlers describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Refusal:
    """Why an upload was stopped: the file being read then, and the message to show."""

    name: str
    message: str


def per_file_limit() -> int:
    return settings.LIBRARY_MAX_UPLOAD_BYTES


def files_limit() -> int:
    return settings.LIBRARY_MAX_FILES_PER_REQUEST


def total_limit() -> int:
    """All the files of one request together."""
    return files_limit() * per_file_limit()


class LimitedUpload(FileUploadHandler):
    """Counts what arrives and stops the upload once a file or the whole request is too large.

    It passes every chunk on to the next handlers (memory or temporary file) and keeps nothing
    itself; ``refusal`` tells the view what was stopped.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refusal: Refusal | None = None
        self.file_bytes = 0
        self.total_bytes = 0
        self.announced_too_large = False
        self.current_name = ""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # Form fields and the multipart framing come on top of the files: the request may be
        # that much larger than its files. Fields before the first file (the CSRF token among
        # them) are still read, so the refusal is a page rather than a CSRF failure.
        self.announced_too_large = (
            content_length > total_limit() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        return None

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self.current_name = file_name
        self.file_bytes = 0
        if self.announced_too_large:
            self._refuse_total()
        if content_length is not None and content_length > per_file_limit():
            self._refuse_file()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > per_file_limit():
            self._refuse_file()
        if self.total_bytes > total_limit():
            self._refuse_total()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the uploaded file

    def _refuse_file(self) -> None:
        self.refusal = Refusal(
            self.current_name,
            _("This file is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(per_file_limit())},
        )
        # The rest of the body is read and dropped (not stored) when the request announced a
        # size within the limits, so that the browser receives the explanation; otherwise
        # reading stops here.
        raise StopUpload(connection_reset=self.announced_too_large)

    def _refuse_total(self) -> None:
        self.refusal = Refusal(
            self.current_name,
            _("These files are larger together than the limit of %(limit)s for one sending.")
            % {"limit": filesizeformat(total_limit())},
        )
        raise StopUpload(connection_reset=True)


def install(request: HttpRequest) -> None:
    """Put the limits before Django's own handlers: call before anything reads the body."""
    request.upload_handlers.insert(0, LimitedUpload(request))


def refusal(request: HttpRequest) -> Refusal | None:
    """What the limits stopped in this request (its body is read now if it was not yet)."""
    request.FILES  # noqa: B018 (reading the body is the point)
    for handler in request.upload_handlers:
        if isinstance(handler, LimitedUpload):
            return handler.refusal
    return None
