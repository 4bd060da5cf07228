"""Schedule files: CSV and Microsoft Project XML (MSPDI) in and out, iCalendar out.

Pure modules (no database): ``records`` (plain dataclasses and the checks every format
shares), ``csv_format``, ``mspdi`` and ``ical``. The service layer
(``projects.services.schedule_import``) turns records into tasks, dependencies and milestones.
"""

from pathlib import PurePath

from django.utils.translation import gettext as _

from projects.schedule_io.csv_format import parse_csv
from projects.schedule_io.mspdi import parse_mspdi
from projects.schedule_io.records import ImportContext, ImportFileError, ParsedSchedule

# File name endings we read, and the format each one means.
EXTENSIONS = {".csv": "csv", ".xml": "mspdi"}


def detect_format(filename: str, data: bytes) -> str:
    """ "csv" or "mspdi" from the file name, refusing a name or content that does not fit."""
    extension = PurePath(filename or "").suffix.lower()
    source = EXTENSIONS.get(extension)
    if source is None:
        raise ImportFileError(
            _(
                "“%(name)s” is neither a CSV file (.csv) nor a Microsoft Project XML file "
                "(.xml). Save the schedule in one of those formats (an .mpp file: File › Save "
                "As › XML in Microsoft Project)."
            )
            % {"name": filename or "?"}
        )
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if source == "csv" and head.startswith(b"<"):
        raise ImportFileError(
            _("This .csv file holds XML; a Microsoft Project XML file must end in .xml.")
        )
    return source


def parse_schedule(
    data: bytes, *, filename: str, context: ImportContext | None = None
) -> ParsedSchedule:
    """Parse an uploaded schedule; ImportFileError when the whole file is refused."""
    source = detect_format(filename, data)
    parser = parse_csv if source == "csv" else parse_mspdi
    return parser(data, filename=filename, context=context)


__all__ = [
    "EXTENSIONS",
    "ImportContext",
    "ImportFileError",
    "ParsedSchedule",
    "detect_format",
    "parse_schedule",
]
