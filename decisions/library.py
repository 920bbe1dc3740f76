"""The scenario library: named, versioned decisions in SQLite (default) or PostgreSQL.

Every save adds a version; nothing is overwritten. Opening an older version and restoring
it saves it again as the newest, so history only grows. Each write is one transaction.
Deleting moves a scenario, with all its versions, to a bin it can be restored from for
``CROSSOVER_BIN_DAYS`` days (default 30); only then is it removed for good.
Two sessions saving at the same moment both keep their work: SQLite writers queue
(``BEGIN IMMEDIATE`` with a busy timeout), PostgreSQL writers lock the scenario's row,
and a clash on a version number is retried.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from decisions.document import Decision, check_decision_size, parse_decision
from scenario import InputError

__all__ = ["LibraryError", "SavedScenario", "ScenarioLibrary", "ScenarioVersion", "bin_days", "default_database_url"]

NAME_MAX = 120
OWNER_MAX = 80
NOTES_MAX = 5_000
SQLITE_WAIT_S = 15
_RETRIES = 5
BIN_DAYS_ENV = "CROSSOVER_BIN_DAYS"
DEFAULT_BIN_DAYS = 30


def bin_days() -> int:
    """How many days a deleted scenario can be restored (``CROSSOVER_BIN_DAYS``, default 30)."""
    given = os.environ.get(BIN_DAYS_ENV, "").strip()
    return int(given) if given.isdigit() and int(given) >= 1 else DEFAULT_BIN_DAYS


class _Base(DeclarativeBase):
    pass


class _ScenarioRow(_Base):
    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the scenario was moved to the bin; None while it is in the library.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)


class _VersionRow(_Base):
    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "version", name="one_row_per_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class SavedScenario:
    """A scenario in the library as listed: its newest name, owner, notes and version."""

    id: str
    name: str
    owner: str
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def purge_at(self) -> datetime | None:
        """When a scenario in the bin is removed for good."""
        return None if self.deleted_at is None else self.deleted_at + timedelta(days=bin_days())


@dataclass(frozen=True)
class ScenarioVersion:
    """One saved version of a scenario, with the decision it held."""

    scenario_id: str
    version: int
    saved_at: datetime
    name: str
    owner: str
    notes: str
    decision: Decision


class LibraryError(RuntimeError):
    """The library cannot do what was asked; the message says why and what to do."""


def default_database_url() -> str:
    """``DATABASE_URL`` if set, else SQLite in ``CROSSOVER_DATA_DIR`` (default ``~/.crossover``)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("CROSSOVER_DATA_DIR") or Path.home() / ".crossover").expanduser()
    return f"sqlite:///{folder / 'crossover.db'}"


def _normalise_url(url: str) -> str:
    # Hosted PostgreSQL often hands out postgres:// or postgresql:// URLs; use psycopg 3 for both.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(text: str, limit: int, what: str, required: bool = False) -> str:
    value = (text or "").strip()
    if required and not value:
        raise LibraryError(f"Give the scenario a {what}.")
    if len(value) > limit:
        raise LibraryError(f"The {what} is {len(value):,} characters; keep it to {limit:,}.")
    return value


class ScenarioLibrary:
    """Saved decisions behind one database URL."""

    def __init__(self, url: str | None = None):
        self.url = _normalise_url(url or default_database_url())
        self._engine = self._connect()
        url = self._engine.url
        self.where = url.database if url.get_backend_name() == "sqlite" and url.database else url.render_as_string(hide_password=True)
        self._guard(lambda: _Base.metadata.create_all(self._engine), "open")
        self._guard(self._add_bin_column, "open")

    def _add_bin_column(self) -> None:
        # Libraries created before the bin existed lack its column; add it once (nullable: no rewrite).
        if "deleted_at" not in {c["name"] for c in inspect(self._engine).get_columns("scenarios")}:
            with self._engine.begin() as connection:
                kind = "TIMESTAMP WITH TIME ZONE" if self._engine.url.get_backend_name() == "postgresql" else "DATETIME"
                connection.execute(text(f"ALTER TABLE scenarios ADD COLUMN deleted_at {kind}"))

    # --- connecting ---------------------------------------------------------------------

    def _connect(self) -> Engine:
        try:
            if self.url.startswith("sqlite"):
                return self._sqlite_engine()
            return create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                 connect_args={"connect_timeout": 5} if "psycopg" in self.url else {})
        except (SQLAlchemyError, ValueError, ModuleNotFoundError) as exc:
            raise LibraryError(f"DATABASE_URL is not a database address Crossover can use ({type(exc).__name__}: {exc}). "
                               "Use postgresql://user:password@host:5432/name, or unset it to use SQLite.") from None

    def _sqlite_engine(self) -> Engine:
        path = self.url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            folder = Path(path).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"Cannot create the data folder {folder} ({exc.strerror}). "
                                   "Set CROSSOVER_DATA_DIR to a folder you can write to.") from None
        engine = create_engine(self.url, connect_args={"timeout": SQLITE_WAIT_S})

        # pysqlite's own transaction handling starts transactions late; take the write lock
        # at BEGIN so concurrent writers queue instead of failing half-way (SQLAlchemy docs).
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def _guard(self, action: Any, doing: str) -> Any:
        try:
            return action()
        except LibraryError:
            raise
        except OperationalError as exc:
            text = str(exc.orig or exc).lower()
            if "locked" in text or "busy" in text:
                raise LibraryError(f"The scenario library ({self.where}) is locked by another program; waited "
                                   f"{SQLITE_WAIT_S} s. Nothing was lost: try again, or download the scenario as JSON.") from None
            if "unable to open" in text or "readonly" in text or "read-only" in text:
                raise LibraryError(f"The scenario library ({self.where}) cannot be written. "
                                   "Set CROSSOVER_DATA_DIR to a folder you can write to.") from None
            raise LibraryError(f"Could not {doing} the scenario library ({self.where}): {_first_line(exc)}. "
                               "Check DATABASE_URL and that the database server is running.") from None
        except DatabaseError as exc:
            raise LibraryError(f"The scenario library file ({self.where}) is damaged or is not a database "
                               f"({_first_line(exc)}). Nothing was changed: move the file aside or set "
                               "CROSSOVER_DATA_DIR to another folder, and download your scenario as JSON meanwhile.") from None
        except SQLAlchemyError as exc:
            raise LibraryError(f"Could not {doing} the scenario library ({self.where}): {_first_line(exc)}") from None

    def _write(self, work: Any, doing: str) -> Any:
        def attempt() -> Any:
            for tries in range(_RETRIES):
                try:
                    with Session(self._engine) as session, session.begin():
                        return work(session)
                except IntegrityError:
                    if tries == _RETRIES - 1:
                        raise
            raise AssertionError("unreachable")

        return self._guard(attempt, doing)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    # --- reading ------------------------------------------------------------------------

    def list(self) -> list[SavedScenario]:
        """Every saved scenario not in the bin, most recently saved first."""
        def read() -> list[SavedScenario]:
            with Session(self._engine) as session:
                rows = session.scalars(select(_ScenarioRow).where(_ScenarioRow.deleted_at.is_(None))
                                       .order_by(_ScenarioRow.updated_at.desc(), _ScenarioRow.name))
                return [_summary(row) for row in rows]

        return self._guard(read, "read")

    def binned(self) -> list[SavedScenario]:
        """The scenarios in the bin that can still be restored, most recently deleted first."""
        self._purge()

        def read() -> list[SavedScenario]:
            with Session(self._engine) as session:
                rows = session.scalars(select(_ScenarioRow).where(_ScenarioRow.deleted_at.is_not(None))
                                       .order_by(_ScenarioRow.deleted_at.desc()))
                return [_summary(row) for row in rows]

        return self._guard(read, "read")

    def get(self, scenario_id: str) -> SavedScenario:
        """One scenario's summary."""
        def read() -> SavedScenario:
            with Session(self._engine) as session:
                return _summary(self._row(session, scenario_id))

        return self._guard(read, "read")

    def open(self, scenario_id: str, version: int | None = None) -> ScenarioVersion:
        """A scenario's newest version, or the version asked for."""
        def read() -> ScenarioVersion:
            with Session(self._engine) as session:
                row = self._row(session, scenario_id)
                wanted = version if version is not None else row.latest_version
                found = session.scalar(select(_VersionRow).where(
                    _VersionRow.scenario_id == scenario_id, _VersionRow.version == wanted))
                if found is None:
                    raise LibraryError(f"'{row.name}' has no version {wanted}; it has versions 1 to {row.latest_version}.")
                return _version(found)

        return self._guard(read, "read")

    def versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Every version of a scenario, newest first."""
        def read() -> list[ScenarioVersion]:
            with Session(self._engine) as session:
                self._row(session, scenario_id)
                rows = session.scalars(select(_VersionRow).where(_VersionRow.scenario_id == scenario_id)
                                       .order_by(_VersionRow.version.desc()))
                return [_version(row) for row in rows]

        return self._guard(read, "read")

    # --- writing ------------------------------------------------------------------------

    def save(self, decision: Decision, name: str, owner: str = "", notes: str = "",
             scenario_id: str | None = None) -> SavedScenario:
        """Save a new scenario, or a new version of ``scenario_id``."""
        name = _clean(name, NAME_MAX, "name", required=True)
        owner = _clean(owner, OWNER_MAX, "owner label")
        notes = _clean(notes, NOTES_MAX, "notes")
        try:
            payload = check_decision_size(Decision.model_validate(decision.model_dump()), f"'{name}'")
        except InputError as exc:
            raise LibraryError(str(exc)) from None

        def work(session: Session) -> SavedScenario:
            now = _now()
            if scenario_id is None:
                row = _ScenarioRow(id=str(uuid.uuid4()), name=name, owner=owner, notes=notes,
                                   created_at=now, updated_at=now, latest_version=0)
                session.add(row)
                session.flush()
            else:
                row = self._row(session, scenario_id, lock=True)
            latest = session.scalar(select(func.max(_VersionRow.version)).where(_VersionRow.scenario_id == row.id)) or 0
            session.add(_VersionRow(scenario_id=row.id, version=latest + 1, saved_at=now, name=name,
                                    owner=owner, notes=notes, payload=payload))
            row.name, row.owner, row.notes, row.updated_at, row.latest_version = name, owner, notes, now, latest + 1
            session.flush()
            return _summary(row)

        return self._write(work, "save to")

    def rename(self, scenario_id: str, name: str) -> SavedScenario:
        """Give a scenario a new name (its versions keep the names they were saved with)."""
        name = _clean(name, NAME_MAX, "name", required=True)

        def work(session: Session) -> SavedScenario:
            row = self._row(session, scenario_id, lock=True)
            row.name, row.updated_at = name, _now()
            session.flush()
            return _summary(row)

        return self._write(work, "rename in")

    def duplicate(self, scenario_id: str, name: str | None = None) -> SavedScenario:
        """A new scenario starting from this one's newest version."""
        summary, current = self.get(scenario_id), self.open(scenario_id)
        return self.save(current.decision, name or f"{summary.name} (copy)", summary.owner, summary.notes)

    def restore(self, scenario_id: str, version: int) -> SavedScenario:
        """Make an earlier version the newest again (saved as a new version; history is kept)."""
        old = self.open(scenario_id, version)
        notes = old.notes if "restored from version" in old.notes else f"{old.notes}\n(restored from version {version})".strip()
        return self.save(old.decision, old.name, old.owner, notes[:NOTES_MAX], scenario_id=scenario_id)

    def delete(self, scenario_id: str, confirm_name: str | None = None) -> SavedScenario:
        """Move a scenario and all its versions to the bin (restorable for :func:`bin_days` days).

        Args:
            confirm_name: When given, the scenario's name as the person deleting typed it;
                anything else refuses, so a click on the wrong row deletes nothing.
        """
        def work(session: Session) -> SavedScenario:
            row = self._row(session, scenario_id, lock=True)
            if confirm_name is not None and confirm_name.strip() != row.name:
                raise LibraryError(f"Not deleted: type the scenario's name exactly ('{row.name}') to delete it.")
            row.deleted_at = _now()
            session.flush()
            return _summary(row)

        deleted = self._write(work, "delete from")
        self._purge()
        return deleted

    def restore_deleted(self, scenario_id: str) -> SavedScenario:
        """Take a scenario out of the bin, with every version it had."""
        def work(session: Session) -> SavedScenario:
            row = self._row(session, scenario_id, lock=True, binned=True)
            row.deleted_at, row.updated_at = None, _now()
            session.flush()
            return _summary(row)

        return self._write(work, "restore in")

    def _purge(self) -> None:
        """Remove for good what has been in the bin longer than the retention."""
        cutoff = _now() - timedelta(days=bin_days())

        def work(session: Session) -> None:
            old = list(session.scalars(select(_ScenarioRow.id).where(_ScenarioRow.deleted_at < cutoff)))
            if old:
                session.execute(delete(_VersionRow).where(_VersionRow.scenario_id.in_(old)))
                session.execute(delete(_ScenarioRow).where(_ScenarioRow.id.in_(old)))

        self._write(work, "clean the bin of")

    def _row(self, session: Session, scenario_id: str, lock: bool = False, binned: bool = False) -> _ScenarioRow:
        query = select(_ScenarioRow).where(_ScenarioRow.id == scenario_id,
                                           _ScenarioRow.deleted_at.is_not(None) if binned else _ScenarioRow.deleted_at.is_(None))
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None and binned:
            raise LibraryError(f"That scenario is no longer in the bin (it is kept for {bin_days()} days).")
        if row is None:
            raise LibraryError("That scenario is no longer in the library (someone may have deleted it). "
                               "Your current scenario is unchanged: save it as a new one.")
        return row


def _summary(row: _ScenarioRow) -> SavedScenario:
    return SavedScenario(id=row.id, name=row.name, owner=row.owner, notes=row.notes, version=row.latest_version,
                         created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                         deleted_at=_aware(row.deleted_at) if row.deleted_at else None)


def _version(row: _VersionRow) -> ScenarioVersion:
    try:
        decision = Decision.model_validate_json(row.payload)
    except ValueError:
        try:
            decision = parse_decision(json.loads(row.payload))
        except (ValueError, InputError) as exc:
            raise LibraryError(f"Version {row.version} of '{row.name}' cannot be read ({exc}).") from None
    return ScenarioVersion(scenario_id=row.scenario_id, version=row.version, saved_at=_aware(row.saved_at),
                           name=row.name, owner=row.owner, notes=row.notes, decision=decision)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _first_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
