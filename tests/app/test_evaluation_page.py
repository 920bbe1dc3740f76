"""The Quality check page through AppTest."""

from tests.app.conftest import open_page


def test_quality_page_offers_the_example_set_and_the_local_model(app):
    at = open_page(app, "views/evaluation.py")
    assert at.title[0].value == "Quality check"
    assert any("**40 tasks** from the bundled example set" in c.value for c in at.caption)
    assert at.multiselect(key="ev.backends").value == ["Local model (bundled SmolLM2-135M-Instruct)"]
    # a typed server joins the run at once
    at.text_input(key="ev.extra_url").input("http://127.0.0.1:9/v1").run()
    assert at.multiselect(key="ev.backends").value[-1] == "OpenAI-compatible server http://127.0.0.1:9/v1"
