"""What the loader reports: problems pinned to `file:line:col`, and the result of a load."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.model import Knowledge


class Severity(StrEnum):
    ERROR = "error"  # the knowledge is refused
    WARNING = "warning"  # it loads; a maintainer should look


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command: the problem is shown on its line of the pull request's diff."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.file},line={self.line},col={self.col}::{message}"


@dataclass(slots=True)
class LoadResult:
    knowledge: Knowledge | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None and not self.errors


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
