"""Reading an uploaded CSV file's bytes as text, with messages a spreadsheet user can act on.

Shared by every CSV import (the schedule, the risk register): each passes its own error
class, which its views already turn into a message next to the upload field.
"""

import codecs

from django.utils.translation import gettext as _


def decode_csv_upload(data: bytes, *, error: type[Exception]) -> str:
    """UTF-8 text of ``data`` (a UTF-8 BOM is dropped), or ``error`` saying what to do."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise error(
            _(
                "The file is UTF-16 text. Save it from your spreadsheet as “CSV UTF-8 "
                "(comma delimited)” and upload it again."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        raise error(
            _(
                "This is a spreadsheet workbook, not a CSV file. Save it as “CSV UTF-8 "
                "(comma delimited)” and upload it again."
            )
        )
    if b"\x00" in data:
        raise error(_("This is not a CSV file: it contains binary data."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). Save it as "
                "“CSV UTF-8” and upload it again."
            )
            % {"position": exc.start + 1}
        ) from exc
