"""The hybrid routing page through AppTest."""

from routing.prompt_files import PromptSet
from tests.app.conftest import open_page


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_sample_set_routes_with_the_default_policy(app):
    at = open_page(app, "views/routing.py")
    assert any("Routing **200 prompts** from the bundled sample set (200 labelled)" in c.value for c in at.caption)
    assert _metric(at, "Detected to cloud") == "0"
    # The labels are the truth: what the detector missed and the policy sent out is a headline of its own.
    labelled_out = int(_metric(at, "Labelled sensitive that went to the cloud"))
    assert (labelled_out == 0) == any("no prompt labelled sensitive, goes to the cloud" in s.value for s in at.success)
    assert _metric(at, "Detector recall").endswith("%")
    assert any("cannot find people's names" in w.value for w in at.warning)
    table = at.dataframe[-1].value
    assert len(table) == 200 and set(table["route"]) == {"local", "cloud"}


def test_switching_off_the_privacy_rule_shows_the_leak(app):
    at = open_page(app, "views/routing.py")
    at.toggle(key="rt.rule.privacy-split-then-tiered.0").set_value(False).run()
    at.slider(key="rt.rule.privacy-split-then-tiered.1").set_value(0.0).run()  # everything to the cloud
    assert int(_metric(at, "Detected to cloud")) > 20
    assert int(_metric(at, "Labelled sensitive that went to the cloud")) > 20
    assert not at.success  # no all-clear while labelled sensitive prompts go out
    assert len(at.get("plotly_chart")) == 2  # what leaks by type, and the frontier


def test_pasted_prompts_and_a_bad_paste_keep_what_was_loaded(app):
    at = open_page(app, "views/routing.py")
    at.text_area(key="rt.paste").input("email me at a.b@example.com\nwhat is 2+2").run()
    at.button(key="rt.action.paste").click().run()
    assert at.session_state["rt.prompt_set"].prompts == ["email me at a.b@example.com", "what is 2+2"]
    at.text_area(key="rt.paste").input("   \n  ").run()
    at.button(key="rt.action.paste").click().run()
    assert any("Nothing to route" in e.value and "already loaded are kept" in e.value for e in at.error)
    assert len(at.session_state["rt.prompt_set"].prompts) == 2
    assert isinstance(at.session_state["rt.prompt_set"], PromptSet)


def test_run_for_real_sends_a_prompt_along_its_route(app):
    at = open_page(app, "views/routing.py")
    local_index = 1  # sample prompt #2, "What is your return policy…": simple, not sensitive -> local
    at.multiselect(key="rt.real").select(local_index).run()
    at.button(key="rt.action.run_real").click().run(timeout=120)
    assert not at.exception
    assert any(m.value.startswith(f"**#{local_index + 1} → local**") for m in at.markdown)
    assert any("first token" in c.value and "cost $" in c.value for c in at.caption)


def test_a_scan_past_the_servers_time_limit_stops_with_a_message(app, monkeypatch):
    # Digit-heavy text is the detector's slowest: a file of it held a shared core for tens of minutes.
    import routing.simulate

    monkeypatch.setenv("CROSSOVER_MAX_SCAN_SECONDS", "1")
    scans = []
    scan = routing.simulate.analyse_prompts
    monkeypatch.setattr(routing.simulate, "analyse_prompts", lambda *args, **kwargs: scans.append(1) or scan(*args, **kwargs))
    at = open_page(app, "views/routing.py")
    at.text_area(key="rt.paste").input("\n".join("12 " * 1_000 + str(i) for i in range(40))).run()
    at.button(key="rt.action.paste").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "Looking for sensitive data in 40 prompts took more than 1 s on this server" in message
    assert "CROSSOVER\\_MAX\\_SCAN\\_SECONDS" in message  # shown as text
    assert len(at.session_state["rt.prompt_set"].prompts) == 40  # what was pasted is kept
    scanned = len(scans)
    at.run()  # any rerun of the page: the refusal is kept, not worked out again for the whole time limit
    assert len(scans) == scanned and "took more than 1 s" in " ".join(e.value for e in at.error)
