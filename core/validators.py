"""Text that must stay on one line: names, titles, short notes.

A line break typed or imported into a title used to travel into email subjects (where Python's
email package refuses it) and into CSV exports and logs. Single-line model fields carry
`validate_single_line`, which ModelForms (through the model's full_clean) and DRF
ModelSerializers both run; text built from such fields for one-line places goes through
`single_line`, which holds even for rows stored before the validator existed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode's control characters (C0, DEL, C1: tab, CR, LF, NUL, ESC, NEL, ...) and the line and
# paragraph separators U+2028/U+2029, which some mail and text tools also break lines at.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAKS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a line break, tab or other control character."""
    return CONTROL_CHARACTERS.search(value) is not None


def validate_single_line(value: object) -> None:
    """Refuse line breaks, tabs and other control characters in a one-line field."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Use one line of text, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def single_line(text: str, *, max_length: int | None = None) -> str:
    """`text` on one line: each run of spaces, breaks or control characters becomes a space."""
    flat = _BREAKS.sub(" ", text).strip()
    if max_length is not None and len(flat) > max_length:
        flat = flat[: max_length - 1].rstrip() + "…"
    return flat
