"""Reading an uploaded CSV file: its bytes as text, with messages a spreadsheet user can act
on, and its header row, wherever the spreadsheet put it.

Shared by every CSV import (the schedule, the risk register): each passes its own error
class, which its views already turn into a message next to the upload field.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

DELIMITERS = (",", ";", "\t")


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


@dataclass(frozen=True)
class CsvHeader:
    delimiter: str
    index: int  # the header's row index
    columns: dict[int, str]  # {position: column key}
    ignored: list[str]  # header cells that name no known column


def find_csv_header(
    text: str,
    *,
    lookup: dict[str, str],
    normalise: Callable[[str], str],
    required: Iterable[str],
    search_rows: int,
    delimiters: Iterable[str] = DELIMITERS,
) -> CsvHeader | None:
    """The delimiter and header row that name the most known columns, or None.

    ``lookup`` maps normalised header names (each import's headers, aliases and translated
    labels) to column keys; a header row must name every ``required`` key. Spreadsheets
    save with commas, semicolons or tabs depending on the locale, so each is tried.
    """
    required = tuple(required)
    best: tuple[int, CsvHeader] | None = None
    for delimiter in delimiters:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for index, row in enumerate(reader):
                if index >= search_rows:
                    break
                columns: dict[int, str] = {}
                ignored = []
                for position, cell in enumerate(row):
                    key = lookup.get(normalise(cell))
                    if key and key not in columns.values():
                        columns[position] = key
                    elif cell.strip():
                        ignored.append(cell.strip())
                if all(key in columns.values() for key in required) and (
                    best is None or len(columns) > best[0]
                ):
                    best = (len(columns), CsvHeader(delimiter, index, columns, ignored))
        except csv.Error:
            continue
    return best[1] if best else None
