"""Errors a user can act on: what is wrong, where (file, line, column), and what to do.

Every problem the suite can detect in its input ends as one `ExtractError` whose message
is written for a policy analyst, in Dutch like the rest of the user-facing text. The
command line prints that message and exits non-zero; nothing else ever reaches the user
as a Python traceback.

Messages never echo a persoon_id or any other identifier: they point at line numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_GROUPS_PER_FILE = 20  # distinct (column, rule) problems listed per file
MAX_LINES_LISTED = 5  # line numbers listed per problem
MAX_VALUE_CHARS = 60  # a value or name from the input is never echoed longer than this
PLURAL = {"regel": "regels", "rij": "rijen"}  # "ook op rijen 3, 4", not "rijs"


def shorten(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """A value from the input as text of at most `limit` characters (ellipsis when cut).

    A message quotes what it found, but a 10 MB field quoted whole would bury the message
    (and fill a terminal or log); the start of the value is enough to recognise it.
    """
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def dutch_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Violation:
    """One rule broken on one or more lines of one file.

    `lines` holds the first few line numbers (as a spreadsheet counts them: the header is
    line 1) and `count` how many lines break the rule in total. `example` is a value that
    breaks it, or None where showing it could reveal a person.
    """

    file: str
    rule: str
    column: str | None = None
    column_index: int | None = None
    lines: list[int] = field(default_factory=list)
    count: int = 0
    example: str | None = None
    line_word: str = "regel"  # "rij" for Parquet files, which have no text lines
    column_word: str = "kolom"  # "veld" for a key of extract.json

    def describe(self) -> str:
        where = [self.file]
        if self.lines:
            where.append(f"{self.line_word} {dutch_int(self.lines[0])}")
        if self.column is not None:
            column = shorten(self.column)
            if self.column_index is not None:
                where.append(f"{self.column_word} {column_letter(self.column_index)} ({column})")
            else:
                where.append(f"{self.column_word} {column}")
        # A rule may end in a sentence of its own (a conversion hint): its full stop is the
        # one this line ends with, never a second one.
        rule = self.rule.rstrip()
        rule = rule[:-1] if rule.endswith(".") and not rule.endswith("..") else rule
        text = ", ".join(where) + f": {rule}"
        if self.example is not None:
            text += f"; voorbeeld: {shorten(self.example)!r}"
        if self.count > 1:
            others = [dutch_int(n) for n in self.lines[1:MAX_LINES_LISTED]]
            more = self.count - 1 - len(others)
            tail = ", ".join(others)
            if more > 0:
                tail = (tail + " en " if tail else "") + f"nog {dutch_int(more)} andere"
            text += f" (ook op {PLURAL.get(self.line_word, self.line_word)} {tail}; {dutch_int(self.count)} in totaal)"
        return text + "."


class AnalysisError(Exception):
    """Base of errors that end a run with a message meant for the user."""

    exit_code = 2

    def user_message(self) -> str:
        return str(self)


class UsageError(AnalysisError):
    """Wrong arguments: a date that does not parse, a folder that does not exist, ..."""


class ExtractError(AnalysisError):
    """The extract breaks the contract; carries every violation found (up to a limit)."""

    def __init__(self, extract: str, violations: list[Violation]):
        self.extract = extract
        self.violations = violations
        super().__init__(self.user_message())

    def user_message(self) -> str:
        files = sorted({v.file for v in self.violations})
        n = len(self.violations)
        head = (
            f"Het extract in {self.extract} is afgekeurd: "
            f"{n} {'probleem' if n == 1 else 'problemen'} in "
            f"{len(files)} {'bestand' if len(files) == 1 else 'bestanden'}. "
            "Er is niets geschreven."
        )
        body = []
        for f in files:
            mine = [v for v in self.violations if v.file == f]
            for v in mine[:MAX_GROUPS_PER_FILE]:
                body.append("- " + v.describe())
            if len(mine) > MAX_GROUPS_PER_FILE:
                body.append(f"- {f}: en nog {len(mine) - MAX_GROUPS_PER_FILE} andere problemen.")
        return head + "\n" + "\n".join(body)


class NotebookError(AnalysisError):
    """A notebook of the suite failed; names the notebook, the cell and the error."""

    exit_code = 3


class Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: what is being built is removed, `--out` stays as it was."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
