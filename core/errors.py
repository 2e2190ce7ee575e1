"""Exceptions that mean the same thing in every app."""

from collections.abc import Iterable


class IllegalTransition(Exception):
    """A workflow move that is not allowed from the record's current status (a proposal, a
    contribution, an account plan); the message says why, for the user."""

    def __init__(
        self,
        from_status: str,
        to_status: str,
        allowed: Iterable[str] = (),
        *,
        message: str = "",
    ) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = sorted(allowed)
        names = ", ".join(self.allowed) or "none"
        super().__init__(
            message or f"Cannot move from {from_status} to {to_status}; allowed: {names}."
        )


class ImportRefused(Exception):
    """A file to import cannot be used as a whole (unreadable, the wrong kind of file, or rows
    the database already holds); the message says why, for the user."""
