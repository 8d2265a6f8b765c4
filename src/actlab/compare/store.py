"""SQLite result store: every finished (activation, repeat, fold) is committed at once, keyed by a hash of the
full configuration and the data, so a rerun computes only what is missing and ``kill -9`` loses at most the
unit in flight (SQLite transactions are atomic; ``INSERT OR IGNORE`` on the primary key makes duplicates
impossible).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS configs (
    config_hash TEXT PRIMARY KEY,
    config      TEXT NOT NULL,
    created     REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    config_hash TEXT NOT NULL,
    activation  TEXT NOT NULL,
    repeat      INTEGER NOT NULL,
    fold        INTEGER NOT NULL,
    payload     TEXT NOT NULL,
    created     REAL NOT NULL,
    PRIMARY KEY (config_hash, activation, repeat, fold)
);
"""


def config_hash(config: dict[str, Any]) -> str:
    """Stable hash of a JSON-serialisable configuration (key order does not matter)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def activation_key(config: dict[str, Any]) -> str:
    """Canonical text of an activation config, e.g. ``elu{"alpha":1.0}``."""
    return config["name"] + json.dumps(config.get("params", {}), sort_keys=True, separators=(",", ":"))


class ResultStore:
    """Results of compare runs in one SQLite file (``:memory:`` for a throwaway store)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise ValueError(f"result store {self.path!r} is not a usable SQLite database: {error}") from None

    def close(self) -> None:
        self._db.close()

    def register(self, key: str, config: dict[str, Any]) -> None:
        self._db.execute("INSERT OR IGNORE INTO configs VALUES (?, ?, ?)",
                         (key, json.dumps(config, sort_keys=True, default=str), time.time()))

    def done(self, key: str) -> set[tuple[str, int, int]]:
        """``(activation, repeat, fold)`` triples already stored for ``key``."""
        rows = self._db.execute("SELECT activation, repeat, fold FROM results WHERE config_hash = ?", (key,))
        return {(a, r, f) for a, r, f in rows}

    def add(self, key: str, rows: Iterable[tuple[str, int, int, dict[str, Any]]]) -> int:
        """Commit finished units atomically (all or none); returns how many were new."""
        rows = list(rows)
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            before = self._db.total_changes
            cur.executemany("INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?)",
                            [(key, a, r, f, json.dumps(p), time.time()) for a, r, f, p in rows])
            added = self._db.total_changes - before
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return added

    def load(self, key: str) -> list[tuple[str, int, int, dict[str, Any]]]:
        rows = self._db.execute("SELECT activation, repeat, fold, payload FROM results WHERE config_hash = ? "
                                "ORDER BY activation, repeat, fold", (key,))
        return [(a, r, f, json.loads(p)) for a, r, f, p in rows]
