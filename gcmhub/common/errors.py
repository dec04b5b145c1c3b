"""Errors that services raise; the web and API layers turn each into one HTTP status.

A service never returns an error value: it raises one of these, and nothing it started is
kept (services run inside ``transaction.atomic``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = [
    "Conflict",
    "FieldError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "ServiceError",
    "invalid_from_validation_error",
]


@dataclass(frozen=True)
class FieldError:
    """One problem with the input: what is wrong, and where (field, and file/line or row)."""

    message: str
    field: str | None = None
    location: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "location": self.location, "message": self.message}

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.location, self.field) if p)
        return f"{where}: {self.message}" if where else self.message


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


class InvalidInput(ServiceError):
    """The input breaks a rule; ``errors`` lists every problem found, not only the first."""

    status = 422
    code = "invalid_input"

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors: list[FieldError] = errors or []

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "errors": [e.as_dict() for e in self.errors]}

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        lines = [self.message, *(f"  - {e}" for e in self.errors)]
        return "\n".join(lines)


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """Someone else changed the record since it was read; their version travels with the error."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, current: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.current: dict[str, object] = current or {}

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "current": self.current}


def invalid_from_validation_error(
    exc: ValidationError, *, location: str | None = None
) -> InvalidInput:
    """Turn Django's model validation error into an InvalidInput naming each field."""
    errors: list[FieldError] = []
    if hasattr(exc, "error_dict"):
        for name, field_errors in exc.message_dict.items():
            for message in field_errors:
                errors.append(
                    FieldError(
                        message=message,
                        field=None if name == "__all__" else name,
                        location=location,
                    )
                )
    else:
        errors = [FieldError(message=m, location=location) for m in exc.messages]
    return InvalidInput("The input is not valid.", errors)
