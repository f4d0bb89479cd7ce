"""The rows of one import run and what became of them."""

from dataclasses import dataclass, field
from itertools import islice

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


def batched(iterable, size):
    """Lists of ``size`` items from ``iterable`` (the last one shorter)."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class ImportRow:
    """One data row: its number in the file, its cells, its parsed values.

    ``values`` {column key: raw cell}; ``vals`` what the specification made of
    them; ``related`` what it made of them for other records than the row's
    own (a contact, a bank account, tags); ``errors`` [(column key or None,
    message)]; ``match`` the record id an update targets; ``outcome`` CREATE,
    UPDATE or UNCHANGED once applied; ``record_id`` the record created or
    updated.
    """

    number: int
    cells: list
    values: dict
    vals: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    match: int = 0
    outcome: str = ""
    record_id: int = 0

    def error(self, column, message):
        self.errors.append((column, message))

    def errors_of(self, column):
        """The messages of this row about ``column``."""
        return [message for key, message in self.errors if key == column]


@dataclass
class ImportResult:
    """Counts and failed rows of a run (Test or Import)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    samples: int = 0
    record_ids: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # ImportRow with errors

    def add(self, rows):
        for row in rows:
            if row.errors:
                self.failed.append(row)
            elif row.outcome == CREATE:
                self.created += 1
                self.record_ids.append(row.record_id)
            elif row.outcome == UPDATE:
                self.updated += 1
                self.record_ids.append(row.record_id)
            elif row.outcome == UNCHANGED:
                self.unchanged += 1
                self.record_ids.append(row.record_id)
