"""Scenario library: save, open, rename, duplicate, delete, version history, import and export."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app import state
from app.components.library_access import scenario_library
from app.components.widgets import scenario_summary
from app.share import share_url
from decisions import decode_decision
from decisions.library import LibraryError, SavedScenario, ScenarioLibrary, bin_days
from scenario import InputError
from scenario.text import plain

FLASH_KEY = "crossover.library.flash"
IMPORT_KEY = "lib.action.import"


def _flash(kind: str, text: str) -> None:
    """A message for the next run. It names scenarios, owners and files, so all of it is shown as text."""
    st.session_state[FLASH_KEY] = (kind, text)


def _show_flash() -> None:
    if flash := st.session_state.pop(FLASH_KEY, None):
        kind, text = flash
        {"success": st.success, "error": st.error, "info": st.info}[kind](plain(text))


NAME_KEY, OWNER_KEY, NOTES_KEY = "lib.name", state.LIBRARY_OWNER_KEY, "lib.notes"
NEW_NAME_KEY, NEW_NOTES_KEY = "lib.new.name", "lib.new.notes"


def _opened(saved: SavedScenario, decision, version: int | None = None) -> None:  # noqa: ANN001 - a decisions.Decision
    """``saved`` (at ``version``) is what the work now continues from: the next save adds a version to it.

    What was saved is kept beside it, so the page can tell when the work no longer matches it.
    """
    shown = version or saved.version
    st.session_state[state.OPEN_SCENARIO_KEY] = {
        "id": saved.id, "name": saved.name, "version": shown, "decision": decision,
        "fields": {NAME_KEY: saved.name, OWNER_KEY: saved.owner, NOTES_KEY: saved.notes},
    }
    st.session_state[state.PRESET_KEY] = f"saved as '{saved.name}' (version {shown})"
    for key, value in ((NAME_KEY, saved.name), (OWNER_KEY, saved.owner), (NOTES_KEY, saved.notes)):
        st.session_state[key] = value


def _unsaved_fields(current: dict) -> list[str]:
    """The name, owner or notes typed since the last save or open."""
    labels = {NAME_KEY: "name", OWNER_KEY: "owner", NOTES_KEY: "notes"}
    return [label for key, label in labels.items() if st.session_state.get(key, "") != current.get("fields", {}).get(key, "")]


def _save(library: ScenarioLibrary, as_new: bool) -> None:
    current = state.open_scenario()
    if as_new and current:  # a copy: its own name and notes, started empty
        name, owner, notes = (st.session_state.get(NEW_NAME_KEY, ""), st.session_state.get(OWNER_KEY, ""),
                              st.session_state.get(NEW_NOTES_KEY, ""))
    else:
        name, owner, notes = (st.session_state.get(k, "") for k in (NAME_KEY, OWNER_KEY, NOTES_KEY))
    decision = state.decision()
    try:
        saved = library.save(decision, name=name, owner=owner, notes=notes,
                             scenario_id=None if as_new or not current else current["id"])
    except LibraryError as exc:
        _flash("error", f"Not saved. {exc} Your scenario is still here, unchanged.")
        return
    _opened(saved, decision)
    st.session_state[NEW_NAME_KEY] = st.session_state[NEW_NOTES_KEY] = ""
    _flash("success", f"Saved '{saved.name}' as version {saved.version}.")


def _open(library: ScenarioLibrary, scenario_id: str, version: int | None = None) -> None:
    try:
        summary, chosen = library.get(scenario_id), library.open(scenario_id, version)
    except LibraryError as exc:
        _flash("error", str(exc))
        return
    state.load_decision(chosen.decision, label=None)
    _opened(summary, chosen.decision, chosen.version)
    _flash("success", f"Opened '{summary.name}', version {chosen.version} of {summary.version}. Every page now shows it.")


def _rename(library: ScenarioLibrary, scenario_id: str) -> None:
    try:
        saved = library.rename(scenario_id, st.session_state.get("lib.rename", ""))
    except LibraryError as exc:
        _flash("error", str(exc))
        return
    current = state.open_scenario()
    if current and current["id"] == scenario_id:
        typed = {key: st.session_state.get(key, "") for key in (OWNER_KEY, NOTES_KEY)}
        _opened(saved, current["decision"], current["version"])
        st.session_state.update(typed)  # a rename keeps what was typed in the other fields
    _flash("success", f"Renamed to '{saved.name}'.")


def _attempt(action: Callable[[], SavedScenario]) -> SavedScenario | None:
    """Run a library action; on failure say why (the next run shows it) and return None."""
    try:
        return action()
    except LibraryError as exc:
        _flash("error", str(exc))
        return None


def _duplicate(library: ScenarioLibrary, scenario_id: str) -> None:
    if (copy := _attempt(lambda: library.duplicate(scenario_id))) is None:
        return
    st.session_state["lib.pick"] = copy.id
    _flash("success", f"Duplicated as '{copy.name}'.")


def _delete(library: ScenarioLibrary, scenario_id: str, name: str) -> None:
    deleted = _attempt(lambda: library.delete(scenario_id, confirm_name=st.session_state.get("lib.confirm_delete", "")))
    if deleted is None:
        return
    current = state.open_scenario()
    if current and current["id"] == scenario_id:
        st.session_state.pop(state.OPEN_SCENARIO_KEY, None)
    st.session_state["lib.confirm_delete"] = ""  # the next scenario's delete asks again
    _flash("info", f"Moved '{name}' to the bin with its {deleted.version} version(s); restore it from there until "
                   f"{deleted.purge_at:%Y-%m-%d}. The scenario you are working on is unchanged.")


def _undelete(library: ScenarioLibrary, scenario_id: str) -> None:
    if (restored := _attempt(lambda: library.restore_deleted(scenario_id))) is None:
        return
    _flash("success", f"Restored '{restored.name}' from the bin with its {restored.version} version(s).")


def _restore(library: ScenarioLibrary, scenario_id: str, version: int) -> None:
    try:
        saved = library.restore(scenario_id, version)
        _open(library, scenario_id)
    except LibraryError as exc:
        _flash("error", str(exc))
        return
    _flash("success", f"Version {version} of '{saved.name}' is the newest again (saved as version {saved.version}); it is open now.")


def _import() -> None:
    upload = st.session_state.get(IMPORT_KEY)
    if upload is None:
        return
    try:
        imported = decode_decision(upload.getvalue(), upload.name)
    except InputError as exc:
        _flash("error", "Not imported; nothing was changed. " + "; ".join(exc.problems))
        return
    state.load_decision(imported, label=f"imported from {upload.name}")
    _flash("success", f"Imported {upload.name}. It is not in the library until you save it.")


def _save_state(current: dict | None) -> None:
    """Whether the work matches what was saved: an edit after a save must not look saved."""
    if not current:
        st.caption("Not saved yet: give it a name and save it to keep it and its versions.")
        return
    changed = (["inputs"] if state.has_unsaved_changes() else []) + _unsaved_fields(current)
    if changed:
        st.warning(f"**Unsaved changes** ({', '.join(changed)}) since version {current['version']} of '{plain(current['name'])}'. "
                   f"Save them as version {current['version'] + 1}, or as a new scenario.", icon=":material/edit_note:")
    else:
        st.success(f"Saved: version {current['version']} of '{plain(current['name'])}', nothing changed since.", icon=":material/check:")


def _save_section(library: ScenarioLibrary | None) -> None:
    st.subheader("Save the current scenario")
    st.caption(scenario_summary(state.scenario(), state.loaded_preset_name()))
    current = state.open_scenario()
    _save_state(current)
    left, right = st.columns([2, 1])
    left.text_input("Name", key=NAME_KEY, max_chars=120, placeholder="e.g. Support bot, EU rollout", **state.KEEP)
    right.text_input("Owner", key=OWNER_KEY, max_chars=80, placeholder="who answers for it", **state.KEEP)
    st.text_area("Notes", key=NOTES_KEY, max_chars=5000, height=80, placeholder="what was agreed, what to check next", **state.KEEP)
    disabled = library is None
    # A row that wraps, each button as wide as its label: in fixed columns at 1024 px the version
    # button, which names the scenario, was cut to "Save as version 2 o…".
    buttons = st.container(horizontal=True, gap="small", key="lib-save-buttons")
    if current:
        buttons.button(f"Save as version {current['version'] + 1} of '{plain(current['name'])}'", key="lib.action.save_version",
                       type="primary", on_click=_save, args=(library, False), disabled=disabled, icon=":material/save:")
        with buttons.popover("Save as a new scenario", disabled=disabled):
            st.text_input("New scenario's name", key=NEW_NAME_KEY, max_chars=120, placeholder=f"e.g. {current['name']}, variant B",
                          **state.KEEP)
            st.text_area("Its notes", key=NEW_NOTES_KEY, max_chars=5000, height=80, placeholder="what this variant changes",
                         **state.KEEP)
            st.button("Save as a new scenario", key="lib.action.save_copy", type="primary", on_click=_save, args=(library, True),
                      width="stretch", icon=":material/save:")
    else:
        buttons.button("Save", key="lib.action.save_new", type="primary", on_click=_save, args=(library, True),
                       disabled=disabled, icon=":material/save:")
    buttons.download_button("Download as JSON", data=state.decision().model_dump_json(indent=2),
                            file_name="crossover-scenario.json", mime="application/json", key="lib.action.export",
                            on_click="ignore", icon=":material/download:")


def _share_section() -> None:
    st.subheader("Share")
    st.caption("Anyone who opens this link sees this scenario, its weights and its cost assumptions. It never holds an API key.")
    st.code(share_url(), language=None, wrap_lines=True)
    with st.expander("Link for a presenter (large type, sidebar closed)"):
        st.code(share_url(presenter=True), language=None, wrap_lines=True)


def _browse(library: ScenarioLibrary) -> None:
    st.subheader("Saved scenarios")
    try:
        saved = library.list()
    except LibraryError as exc:
        st.error(plain(exc))
        return
    if not saved:
        st.info("Nothing saved yet. Save the current scenario above, or import a JSON file below.")
        return
    st.dataframe(
        [{"name": s.name, "owner": s.owner, "versions": s.version, "last saved": s.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
          "notes": s.notes.splitlines()[0] if s.notes else ""} for s in saved],
        hide_index=True, width="stretch", key="view.lib.table",
    )
    by_id = {s.id: s for s in saved}
    if st.session_state.get("lib.pick") not in by_id:
        st.session_state["lib.pick"] = saved[0].id
    pick = st.selectbox("Scenario", options=list(by_id), key="lib.pick", **state.KEEP,
                        format_func=lambda i: f"{by_id[i].name}" + (f" ({by_id[i].owner})" if by_id[i].owner else "") + f", v{by_id[i].version}")
    chosen = by_id[pick]
    actions = st.columns(3)
    actions[0].button("Open", key="lib.action.open", type="primary", on_click=_open, args=(library, chosen.id),
                      width="stretch", icon=":material/folder_open:")
    actions[1].button("Duplicate", key="lib.action.duplicate", on_click=_duplicate, args=(library, chosen.id),
                      width="stretch", icon=":material/content_copy:")
    with actions[2].popover("Rename or delete", width="stretch"):
        st.text_input("New name", key="lib.rename", **state.KEEP, placeholder=chosen.name)
        st.button("Rename", key="lib.action.rename", on_click=_rename, args=(library, chosen.id))
        st.divider()
        # Typing the name (not ticking a box) makes deleting someone else's work a deliberate act.
        typed = st.text_input(f"To delete it, type its name: {plain(chosen.name)}", key="lib.confirm_delete", **state.KEEP,
                              help="It goes to the bin with its versions, and can be restored from there for a while.")
        st.button("Move to the bin", key="lib.action.delete", disabled=typed.strip() != chosen.name,
                  on_click=_delete, args=(library, chosen.id, chosen.name))

    with st.expander(f"Versions of '{plain(chosen.name)}' ({chosen.version})", expanded=False):
        try:
            versions = library.versions(chosen.id)
        except LibraryError as exc:
            st.error(plain(exc))
            return
        st.dataframe(
            [{"version": v.version, "saved": v.saved_at.strftime("%Y-%m-%d %H:%M:%S UTC"), "name": v.name, "owner": v.owner,
              "requests/month": v.decision.scenario.requests_per_month, "notes": v.notes} for v in versions],
            hide_index=True, width="stretch", key="view.lib.versions",
        )
        numbers = [v.version for v in versions]
        version = st.selectbox("Version", options=numbers, key=f"lib.version.{chosen.id}", **state.KEEP)
        left, right = st.columns(2)
        left.button(f"Open version {version}", key="lib.action.open_version", on_click=_open, args=(library, chosen.id, version),
                    width="stretch")
        right.button(f"Restore version {version} as the newest", key="lib.action.restore", on_click=_restore,
                     args=(library, chosen.id, version), disabled=version == numbers[0], width="stretch")


def _bin(library: ScenarioLibrary) -> None:
    try:
        deleted = library.binned()
    except LibraryError as exc:
        st.error(plain(exc))
        return
    if not deleted:
        return
    with st.expander(f"Bin ({len(deleted)}): deleted scenarios, kept for {bin_days()} days", icon=":material/delete:"):
        by_id = {s.id: s for s in deleted}
        pick = st.selectbox("Deleted scenario", options=list(by_id), key="lib.bin_pick", **state.KEEP,
                            format_func=lambda i: f"{by_id[i].name}, v{by_id[i].version}, deleted {by_id[i].deleted_at:%Y-%m-%d %H:%M} UTC")
        if pick in by_id:
            st.caption(f"Removed for good after {by_id[pick].purge_at:%Y-%m-%d %H:%M} UTC.")
            st.button("Restore", key="lib.action.undelete", on_click=_undelete, args=(library, pick), icon=":material/restore_from_trash:")


def library_page() -> None:
    """Everything about keeping and sharing decisions, on one page."""
    st.title("Scenario library")
    library, problem = scenario_library()
    if problem:
        st.error(problem, icon=":material/database:")
    else:
        st.caption(f"Saved in {plain(library.where)}. Every save keeps a version; a deleted scenario waits in the bin for {bin_days()} days.")
    _show_flash()
    _save_section(library)
    st.divider()
    if library is not None:
        _browse(library)
        _bin(library)
        st.divider()
    st.subheader("Import")
    st.file_uploader("Import a scenario or decision JSON file", type=["json"], key=IMPORT_KEY, on_change=_import,
                     help="A file downloaded from here, a preset, or the JSON `crossover recommend --scenario` reads. "
                          "It replaces the scenario you are working on; the library is not changed until you save.")
    st.divider()
    _share_section()


library_page()
