"""The scenario library against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from advisor import Weights
from decisions import Decision
from decisions.library import LibraryError, ScenarioLibrary
from scenario import Scenario


def _decision(requests: int) -> Decision:
    return Decision(scenario=Scenario(requests_per_month=requests, regulations=["gdpr"]), weights=Weights(privacy=5.0))


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request, tmp_path):
    if request.param == "sqlite":
        lib = ScenarioLibrary(f"sqlite:///{tmp_path / 'lib.db'}")
    else:
        base = request.getfixturevalue("postgres_url")
        schema_db = f"t{uuid.uuid4().hex[:12]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {schema_db}"))
        admin.dispose()
        lib = ScenarioLibrary(base.rsplit("/", 1)[0] + "/" + schema_db)
    yield lib
    lib.close()


def test_save_lists_opens_and_keeps_every_version(library):
    saved = library.save(_decision(1_000), "Support bot", owner="Ana", notes="first pass")
    assert saved.version == 1
    second = library.save(_decision(2_000), "Support bot", owner="Ana", notes="more traffic", scenario_id=saved.id)
    assert second.version == 2
    assert [s.name for s in library.list()] == ["Support bot"]
    assert library.open(saved.id).decision.scenario.requests_per_month == 2_000
    assert library.open(saved.id, 1).decision == _decision(1_000)
    assert [(v.version, v.notes) for v in library.versions(saved.id)] == [(2, "more traffic"), (1, "first pass")]


def test_restore_saves_the_old_version_as_newest_and_keeps_history(library):
    saved = library.save(_decision(1_000), "A")
    library.save(_decision(9_000), "A", scenario_id=saved.id)
    restored = library.restore(saved.id, 1)
    assert restored.version == 3
    assert library.open(saved.id).decision.scenario.requests_per_month == 1_000
    assert len(library.versions(saved.id)) == 3


def test_rename_duplicate_delete(library):
    saved = library.save(_decision(1_000), "Draft", owner="Bo")
    assert library.rename(saved.id, "Final").name == "Final"
    copy = library.duplicate(saved.id)
    assert copy.name == "Final (copy)" and copy.id != saved.id and copy.owner == "Bo"
    assert library.open(copy.id).decision == _decision(1_000)
    library.delete(saved.id)
    assert [s.id for s in library.list()] == [copy.id]
    with pytest.raises(LibraryError, match="no longer in the library"):
        library.open(saved.id)


def test_names_and_notes_are_checked(library):
    with pytest.raises(LibraryError, match="name"):
        library.save(Decision(), "   ")
    with pytest.raises(LibraryError, match="keep it to 120"):
        library.save(Decision(), "x" * 121)
    assert library.list() == []


def test_two_sessions_saving_at_the_same_moment_both_keep_their_work(library):
    """Eight threads save at once: four new scenarios and four versions of one shared scenario."""
    shared = library.save(_decision(1), "Shared")
    other = ScenarioLibrary(library.url)  # a second connection pool, like a second app replica
    start = threading.Barrier(8)
    errors: list[Exception] = []

    def save(index: int) -> None:
        lib = library if index % 2 else other
        start.wait()
        try:
            if index < 4:
                lib.save(_decision(100 + index), f"New {index}")
            else:
                lib.save(_decision(200 + index), "Shared", scenario_id=shared.id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    names = sorted(s.name for s in library.list())
    assert names == ["New 0", "New 1", "New 2", "New 3", "Shared"]
    volumes = sorted(v.decision.scenario.requests_per_month for v in library.versions(shared.id))
    assert volumes == [1, 204, 205, 206, 207]
    assert [v.version for v in library.versions(shared.id)] == [5, 4, 3, 2, 1]


def _save_in_process(url: str, index: int, barrier) -> None:
    barrier.wait()
    ScenarioLibrary(url).save(_decision(index), f"Process {index}")


def test_two_processes_saving_to_one_sqlite_file_both_keep_their_work(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ScenarioLibrary(url).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_save_in_process, args=(url, i, barrier)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(s.name for s in ScenarioLibrary(url).list()) == ["Process 0", "Process 1"]


def test_a_corrupt_database_file_gives_a_clear_message_and_is_left_alone(tmp_path):
    path = tmp_path / "crossover.db"
    path.write_bytes(b"this is not a database, it is a note someone saved here" * 100)
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged or is not a database"):
        ScenarioLibrary(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_locked_database_gives_a_clear_message_and_loses_nothing(tmp_path, monkeypatch):
    import decisions.library as library_module

    monkeypatch.setattr(library_module, "SQLITE_WAIT_S", 0.2)
    path = tmp_path / "crossover.db"
    lib = ScenarioLibrary(f"sqlite:///{path}")
    kept = lib.save(_decision(5), "Kept")
    locked = ScenarioLibrary(f"sqlite:///{path}")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LibraryError, match="locked by another program"):
            locked.save(_decision(6), "Blocked")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [s.name for s in lib.list()] == ["Kept"]
    assert lib.open(kept.id).decision == _decision(5)
    assert lib.save(_decision(6), "After").version == 1


def test_default_location_follows_crossover_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSOVER_DATA_DIR", str(tmp_path / "data"))
    lib = ScenarioLibrary()
    lib.save(Decision(), "Here")
    assert (tmp_path / "data" / "crossover.db").exists()


def test_an_unreachable_server_is_named_without_its_password(monkeypatch):
    from tests.peers import free_port

    lib_error = None
    try:
        ScenarioLibrary(f"postgresql://crossover:s3cret-pw@127.0.0.1:{free_port()}/nothing")
    except LibraryError as exc:
        lib_error = str(exc)
    assert lib_error and "DATABASE_URL" in lib_error and "s3cret-pw" not in lib_error and "127.0.0.1" in lib_error
