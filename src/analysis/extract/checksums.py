"""Checksums of an extract's files: the one home of how an extract is fingerprinted.

Both `validation` (which records the checksums in the extract's metadata) and `derived`
(which finds a cached conversion by them) need these; living here, neither has to import
the other to get them.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 22


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def file_checksums(files: list[Path]) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(files, key=lambda p: p.name)}


def extract_checksum(sums: dict[str, str], spreadsheet_nl: bool = False) -> str:
    """One checksum for the extract: its files by name and content, and how it was read."""
    h = hashlib.sha256()
    for name in sorted(sums):
        h.update(f"{name}\0{sums[name]}\n".encode())
    if spreadsheet_nl:
        h.update(b"spreadsheet_nl\n")
    return h.hexdigest()
