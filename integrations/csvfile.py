"""Reading an uploaded CSV file as a stream of rows, with a clear reason when it cannot be read
(not text, the wrong encoding, an unclosed quote, more cells than columns)."""

import codecs
import csv
import io
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from core.errors import ImportRefused

ENCODINGS = {
    "auto": "",
    "utf-8": "utf-8-sig",
    "utf-16": "utf-16",
    "cp1252": "cp1252",
    "latin-1": "latin-1",
}


def _codec(run_encoding: str, head: bytes) -> str:
    chosen = ENCODINGS.get(run_encoding, "")
    if chosen:
        return chosen
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


class _Lines:
    """The file's lines as text, decoded one at a time so a bad byte is reported at its line."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        head = raw.read(4)
        raw.seek(0)
        self.codec = _codec(encoding, head)
        self.encoding = encoding
        self.raw = raw
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        if self.codec == "utf-16":
            # Lines cannot be split before decoding; the error names the line reached.
            for text in io.TextIOWrapper(self.raw, encoding="utf-16", newline=""):  # type: ignore[type-var]
                self.line += 1
                yield text
            return
        decoder = codecs.getincrementaldecoder(self.codec)()
        for chunk in self.raw:
            self.line += 1
            try:
                yield decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _refuse_decoding(self.line, self.encoding) from exc


def _refuse_decoding(line: int, encoding: str) -> ImportRefused:
    if ENCODINGS.get(encoding, "") in ("", "utf-8-sig"):
        return ImportRefused(
            _(
                "Line %(line)d is not UTF-8 text. Export the file as UTF-8, or choose its "
                "encoding (Salesforce often writes ISO-8859-1 or Windows-1252)."
            )
            % {"line": line}
        )
    return ImportRefused(
        _("Line %(line)d cannot be read as %(encoding)s.") % {"line": line, "encoding": encoding}
    )


def read_header(raw: IO[bytes], encoding: str) -> list[str]:
    """The file's column names, or ImportRefused saying why the file cannot be used."""
    lines = _Lines(raw, encoding)
    try:
        header = next(csv.reader(lines, strict=True), None)
    except UnicodeDecodeError as exc:
        raise _refuse_decoding(lines.line, encoding) from exc
    except csv.Error as exc:
        raise ImportRefused(
            _("The first line is not valid CSV (%(error)s).") % {"error": exc}
        ) from exc
    if not header or not any(h.strip() for h in header):
        raise ImportRefused(_("The file is empty: its first line must name the columns."))
    if any("\x00" in h for h in header):
        raise ImportRefused(_("The file contains binary data, not CSV text."))
    return [h.strip() for h in header]


def iter_rows(raw: IO[bytes], encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for every non-empty row after the header, streamed."""
    lines = _Lines(raw, encoding)
    reader = csv.reader(lines, strict=True)
    line = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        line = reader.line_num + 1
        for cells in reader:
            if any("\x00" in c for c in cells):
                raise ImportRefused(
                    _("Line %(line)d contains binary data, not CSV text.") % {"line": line}
                )
            if any(c.strip() for c in cells):
                if len(cells) > len(header):
                    raise ImportRefused(
                        _("Line %(line)d has more cells (%(cells)d) than the header (%(columns)d).")
                        % {"line": line, "cells": len(cells), "columns": len(header)}
                    )
                yield line, dict(zip(header, (c.strip() for c in cells), strict=False))
            line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise _refuse_decoding(lines.line, encoding) from exc
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportRefused(
                _('Line %(line)d: a quoted cell starts here and is never closed (a " is missing).')
                % {"line": line}
            ) from exc
        raise ImportRefused(
            _("Line %(line)d: not valid CSV (%(error)s).") % {"line": line, "error": exc}
        ) from exc
