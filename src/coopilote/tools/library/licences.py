"""What each licence lets others do, in plain words, with its official text."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coopilote.tools.library.models import Licence


@dataclass(frozen=True)
class LicenceInfo:
    key: str
    label: str | Promise
    meaning: str | Promise
    url: str
    open: bool  # may others reuse and share it without asking?


LICENCES: dict[str, LicenceInfo] = {
    info.key: info
    for info in (
        LicenceInfo(
            Licence.CC_BY,
            Licence.CC_BY.label,
            _("Anyone may share and adapt it, even commercially, if they credit the author."),
            "https://creativecommons.org/licenses/by/4.0/",
            True,
        ),
        LicenceInfo(
            Licence.CC_BY_SA,
            Licence.CC_BY_SA.label,
            _(
                "Anyone may share and adapt it, even commercially, if they credit the author "
                "and share their adaptations under the same licence."
            ),
            "https://creativecommons.org/licenses/by-sa/4.0/",
            True,
        ),
        LicenceInfo(
            Licence.CC_BY_NC,
            Licence.CC_BY_NC.label,
            _("Anyone may share and adapt it if they credit the author, but not to sell it."),
            "https://creativecommons.org/licenses/by-nc/4.0/",
            True,
        ),
        LicenceInfo(
            Licence.CC_BY_ND,
            Licence.CC_BY_ND.label,
            _("Anyone may share it as it is, crediting the author, but not change it."),
            "https://creativecommons.org/licenses/by-nd/4.0/",
            True,
        ),
        LicenceInfo(
            Licence.CC0,
            Licence.CC0.label,
            _("The author gave up their rights: anyone may use it freely, without credit."),
            "https://creativecommons.org/publicdomain/zero/1.0/",
            True,
        ),
        LicenceInfo(
            Licence.PUBLIC_DOMAIN,
            Licence.PUBLIC_DOMAIN.label,
            _("No one holds rights on it any more: anyone may use it freely."),
            "",
            True,
        ),
        LicenceInfo(
            Licence.ALL_RIGHTS_RESERVED,
            Licence.ALL_RIGHTS_RESERVED.label,
            _("Read it here; ask the author before copying, sharing or adapting it."),
            "",
            False,
        ),
    )
}
