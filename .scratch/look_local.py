import re, tempfile
from pathlib import Path
from playwright.sync_api import sync_playwright, expect
from deploy.processes import streamlit_server
from tests.e2e.helpers import set_number, wait_for_app, fill_text
from tests.peers import batching_llama_server
expect.set_options(timeout=60_000)
out = Path("/tmp/shots"); out.mkdir(exist_ok=True)
logs = Path(tempfile.mkdtemp())
with streamlit_server(logs / "st.log", {"CROSSOVER_DATA_DIR": str(logs)}) as app, batching_llama_server(logs, parallel=4) as server, sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    page = b.new_page(viewport={"width": 1024, "height": 1300}, base_url=app.url)
    page.goto("/capacity"); wait_for_app(page)
    page.get_by_text("this app's local model").click(); wait_for_app(page)
    set_number(page, "Prompt tokens", 32); set_number(page, "Output tokens", 16)
    set_number(page, "TTFT target (ms)", 60000)
    page.screenshot(path=str(out / "local-1024.png"))
    page.get_by_role("button", name="Run the sweep").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible(timeout=180_000); wait_for_app(page)
    page.get_by_test_id("stDataFrame").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "local-result-1024.png"))
    # server with an open-loop step at 1280
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.get_by_text("a server (OpenAI-compatible)").click(); wait_for_app(page)
    fill_text(page, "Server base URL", server.url)
    set_number(page, "Maximum concurrency", 4); set_number(page, "Requests per step", 4)
    set_number(page, "Open-loop step (requests/s)", 2)
    page.get_by_role("button", name="Run the sweep").click()
    expect(page.get_by_text(re.compile("^smollm2-135m-instruct at"))).to_be_visible(timeout=240_000); wait_for_app(page)
    page.get_by_test_id("stDataFrame").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "openloop-1280.png"))
    b.close()
print("ok")
