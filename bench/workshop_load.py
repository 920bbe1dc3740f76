"""A workshop's worth of participants at once against one Crossover server (or several replicas), measured.

Each participant is a Playwright browser context in one headless Chromium. At the same time, they
1. walk the checklist (volume, privacy, team),
2. change the Costs page's volume three times, each timed from the key press to the moment the
   cost chart has been redrawn with the new volume,
3. run one prompt in the playground on the local model (both sides, one after the other), noting
   every queue position they are shown, and
4. check that nothing they entered was lost.

Printed: input-to-chart p50/p95; the playground's queue wait p50/p95 (the server's own measure,
from its queue log); whether runs started in arrival order (from the same log); errors; lost
inputs; each server's peak memory (VmHWM). With ``--memory-runs K`` one more participant then runs
the playground K times and the server's resident memory is printed every 10 runs.

Without ``--url`` it starts its own ``streamlit run`` on a free loopback port. Against servers
someone else started, give ``--url`` (and, for memory and queue order, ``--pid`` and ``--log``)
once per server; participants are spread over them in turn, as a proxy would.

Run: make workshop-load   (or .venv/bin/python -m bench.workshop_load --participants 10)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

from deploy.processes import streamlit_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
CHART_SHOWS_VOLUME = """(volume) => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .some(chart => ((chart.layout && chart.layout.shapes) || []).some(shape => shape.x0 === volume))"""
QUEUE_POSITION = re.compile(r"In the queue for .+?: position (\d+)\.")
QUEUE_LOG = re.compile(r"queue=(?P<queue>'[^']*') run=(?P<run>\d+) event=started ahead=(?P<ahead>\d+) waited_ms=(?P<waited>\d+)")
RERUN_LOG = re.compile(r"crossover\.rerun: page=(?P<page>\S+) ms=(?P<ms>\d+)")
PROMPT = "In one sentence: why might a team run a language model on its own hardware?"


@dataclass
class Participant:
    """What one participant saw."""

    number: int
    url: str
    input_to_chart_s: list[float] = field(default_factory=list)
    run_pressed_to_results_s: float | None = None
    queue_positions_seen: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost_inputs: list[str] = field(default_factory=list)


@dataclass
class Target:
    """A server under load: where it answers, and (when known) its PID and log."""

    url: str
    pid: int | None = None
    log: Path | None = None
    peak_rss_mb: list[float] = field(default_factory=list)


async def ready(page: Page, timeout: float = 120_000) -> None:
    await page.wait_for_selector(READY, state="attached", timeout=timeout)
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
    await expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=timeout)


async def set_number(page: Page, label: str, value: int) -> None:
    field_ = page.get_by_label(label, exact=True)
    await field_.fill(str(value))
    await field_.press("Enter")
    await ready(page)


async def open_page(page: Page, name: str) -> None:
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    await ready(page)


async def check_no_exception(page: Page, where: str, who: Participant) -> None:
    if shown := await page.get_by_test_id("stException").count():
        who.errors.append(f"{shown} exception box(es) on {where}")


async def walk_checklist(page: Page, who: Participant) -> None:
    await page.goto("/checklist")
    await ready(page)
    await set_number(page, "Requests per month", 150_000 + who.number * 1_000)
    await page.get_by_role("button", name="Next →").click()
    await ready(page)
    await page.get_by_role("slider").focus()
    for _ in range(4):
        await page.keyboard.press("ArrowRight")
    await ready(page)
    await page.get_by_role("radio", name="4. Team").click()
    await ready(page)
    await page.get_by_text("Dedicated DevOps / MLOps team").click()
    await ready(page)
    await check_no_exception(page, "the checklist", who)


async def change_costs(page: Page, who: Participant) -> int:
    """Three volume changes on the Costs page, each timed until the chart shows it; returns the last."""
    await open_page(page, "Costs")
    volume = 0
    for change in range(3):
        volume = 200_000 + who.number * 10_000 + change * 1_000
        box = page.get_by_label("Requests per month", exact=True)
        await box.fill(str(volume))
        pressed = time.perf_counter()
        await box.press("Enter")
        await page.wait_for_function(CHART_SHOWS_VOLUME, arg=volume, polling="raf", timeout=60_000)
        who.input_to_chart_s.append(time.perf_counter() - pressed)
        await ready(page)
    await check_no_exception(page, "the Costs page", who)
    return volume


async def run_playground(page: Page, who: Participant, max_tokens: int, runs: int = 1,
                         after_each: Callable[[int], None] | None = None) -> None:
    await open_page(page, "Playground")
    await page.get_by_label("Backend").nth(1).click()
    await page.get_by_role("option", name=re.compile(r"^Local model")).click()
    await ready(page)
    await page.get_by_label("Prompt", exact=True).fill(PROMPT)
    await set_number(page, "Max tokens", max_tokens)
    await page.get_by_text("One after the other", exact=True).first.click()
    await expect(page.get_by_role("switch", name="One after the other")).to_be_checked()
    await ready(page)
    for number in range(1, runs + 1):
        done = page.get_by_text(re.compile(rf"^Run {number} of this session"))
        pressed = time.perf_counter()
        await page.get_by_role("button", name="Run", exact=True).click()
        while not await done.count():
            for text in await page.get_by_text(QUEUE_POSITION).all_inner_texts():
                if (match := QUEUE_POSITION.search(text)) and int(match.group(1)) not in who.queue_positions_seen:
                    who.queue_positions_seen.append(int(match.group(1)))
            if time.perf_counter() - pressed > 600:
                raise TimeoutError(f"run {number} gave no results in 600 s")
            await asyncio.sleep(0.1)
        if number == 1:
            who.run_pressed_to_results_s = time.perf_counter() - pressed
        await ready(page)
        if after_each:
            after_each(number)
    await check_no_exception(page, "the playground", who)
    if await page.get_by_label("Prompt", exact=True).input_value() != PROMPT:
        who.lost_inputs.append("the playground prompt")


async def check_nothing_lost(page: Page, who: Participant, volume: int) -> None:
    await open_page(page, "Costs")
    shown = await page.get_by_label("Requests per month", exact=True).input_value()
    if shown.replace(",", "") != str(volume):
        who.lost_inputs.append(f"Costs volume: {shown} instead of {volume} (at {page.url})")
        await page.screenshot(path=f"/tmp/crossover-load-lost-{who.number}.png")
    await open_page(page, "Checklist")
    await page.get_by_role("radio", name="Review").click()
    await ready(page)
    if not await page.get_by_text("Dedicated DevOps / MLOps team").count():
        who.lost_inputs.append("the checklist's team answer")


async def participant(browser: Browser, who: Participant, max_tokens: int) -> Participant:
    context = await browser.new_context(base_url=who.url, viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    try:
        await walk_checklist(page, who)
        volume = await change_costs(page, who)
        await run_playground(page, who, max_tokens)
        await check_nothing_lost(page, who, volume)
    except Exception as exc:  # noqa: BLE001 - every failure is a figure of the run, not a crash of the bench
        who.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()
    return who


def rss_mb(pid: int, field_name: str = "VmRSS") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def browser_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith(("chromium", "chrome")):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def watch_memory(targets: list[Target], stop: threading.Event) -> None:
    while not stop.wait(0.25):
        for target in targets:
            if target.pid and (now := rss_mb(target.pid)) is not None:
                target.peak_rss_mb.append(now)


def read_log(log: Path, since: int) -> dict:
    """From a server's log after byte ``since``: queue starts (in order), waits, script-run times."""
    with open(log, errors="replace") as file:
        file.seek(since)
        text = file.read()
    starts: dict[str, list[int]] = {}
    waits: list[float] = []
    waited: list[float] = []
    for match in QUEUE_LOG.finditer(text):
        starts.setdefault(match["queue"], []).append(int(match["run"]))
        waits.append(float(match["waited"]))
        if int(match["ahead"]):
            waited.append(float(match["waited"]))
    runs: dict[str, list[float]] = {}
    for match in RERUN_LOG.finditer(text):
        runs.setdefault(match["page"], []).append(float(match["ms"]) / 1000)
    return {"waits": waits, "waited": waited, "script_runs": runs, "tracebacks": text.count("Traceback"),
            "queue_starts": sum(len(r) for r in starts.values()),
            "out_of_order": sum(1 for r in starts.values() for a, b in zip(r, r[1:], strict=False) if b < a)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    if not values:
        return "n/a"
    return (f"p50 {statistics.median(values) * scale:,.2f} {unit}, p95 {percentile(values, 95) * scale:,.2f} {unit}, "
            f"max {max(values) * scale:,.2f} {unit} (n={len(values)})")


async def load(targets: list[Target], participants: int, max_tokens: int, memory_runs: int) -> dict:
    async with async_playwright() as playwright:
        # The facilitator opens the app first: the server's one-off start-up (imports, then
        # freezing them for the collector) is not any participant's wait.
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for target in targets:
            page = await browser.new_page(base_url=target.url)
            await page.goto("/")
            await ready(page)
        await browser.close()
    log_marks = {t.url: t.log.stat().st_size if t.log else 0 for t in targets}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_memory, args=(targets, stop), daemon=True)
    watcher.start()
    started = time.perf_counter()
    server_pids = [t.pid for t in targets if t.pid]
    server_cpu = cpu_seconds(server_pids)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        browsers = browser_pids()
        browser_cpu = cpu_seconds(browsers)
        people = [Participant(n + 1, targets[n % len(targets)].url) for n in range(participants)]
        await asyncio.gather(*(participant(browser, who, max_tokens) for who in people))
        wall_s = time.perf_counter() - started
        # The participants' browsers share this machine's cores with the servers: say who used them.
        cpu = {"servers_s": round(cpu_seconds(server_pids) - server_cpu, 1),
               "browsers_s": round(cpu_seconds(browser_pids()) - browser_cpu, 1), "cores": os.cpu_count()}
        memory_curve: list[tuple[int, float | None]] = []
        if memory_runs:
            target = targets[0]
            context = await browser.new_context(base_url=target.url, viewport={"width": 1280, "height": 1400})
            page = await context.new_page()
            await page.goto("/")
            await ready(page)
            runner = Participant(0, target.url)

            def sample(number: int) -> None:
                if number == 1 or number % 10 == 0:
                    memory_curve.append((number, rss_mb(target.pid) if target.pid else None))
            try:
                await run_playground(page, runner, max_tokens=16, runs=memory_runs, after_each=sample)
            except Exception as exc:  # noqa: BLE001
                runner.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            await context.close()
            people.append(runner)
        await browser.close()
    stop.set()
    watcher.join()
    figures: dict = {"participants": participants, "servers": len(targets), "wall_s": round(wall_s, 1), "cpu": cpu,
                     "input_to_chart_s": [s for p in people for s in p.input_to_chart_s],
                     "run_pressed_to_results_s": [p.run_pressed_to_results_s for p in people if p.number and p.run_pressed_to_results_s],
                     "errors": [f"participant {p.number}: {e}" for p in people for e in p.errors],
                     "lost_inputs": [f"participant {p.number}: {e}" for p in people for e in p.lost_inputs],
                     "saw_queue_position": sum(bool(p.queue_positions_seen) for p in people if p.number),
                     "memory_curve": memory_curve, "servers_detail": []}
    figures |= {"queue_wait_ms": [], "queue_waited_ms": [], "script_run_s": {}}
    for target in targets:
        detail = {"url": target.url, "pid": target.pid,
                  "peak_rss_mb": round(max(target.peak_rss_mb), 1) if target.peak_rss_mb else None,
                  "vm_hwm_mb": round(rss_mb(target.pid, "VmHWM") or 0, 1) if target.pid else None}
        if target.log:
            seen = read_log(target.log, log_marks[target.url])
            figures["queue_wait_ms"] += seen["waits"]
            figures["queue_waited_ms"] += seen["waited"]
            for page_name, times in seen["script_runs"].items():
                figures["script_run_s"].setdefault(page_name, []).extend(times)
            detail |= {k: seen[k] for k in ("queue_starts", "out_of_order", "tracebacks")}
        figures["servers_detail"].append(detail)
    return figures


def report(figures: dict) -> None:
    print(f"workshop load: {figures['participants']} participants on {figures['servers']} server(s), {figures['wall_s']} s in all")
    cpu = figures["cpu"]
    print(f"  CPU used meanwhile: app servers {cpu['servers_s']} s, participants' browsers {cpu['browsers_s']} s "
          f"(of {figures['wall_s'] * cpu['cores']:.0f} s on {cpu['cores']} cores)")
    print(f"  input to updated chart: {spread(figures['input_to_chart_s'], 's')}")
    print(f"  Run pressed to results: {spread(figures['run_pressed_to_results_s'], 's')}")
    print(f"  local model queue wait (server's log, every run of a side): {spread(figures['queue_wait_ms'], 'ms')}")
    print(f"    of the {len(figures['queue_waited_ms'])} runs that found others ahead: {spread(figures['queue_waited_ms'], 'ms')}")
    every_run = [t for times in figures["script_run_s"].values() for t in times]
    if every_run:
        print(f"  server script runs (all pages): {spread(every_run, 's')}")
        for page_name in ("costs", "checklist", "playground"):
            if page_name in figures["script_run_s"]:
                print(f"    {page_name}: {spread(figures['script_run_s'][page_name], 's')}")
    print(f"  participants shown their queue position: {figures['saw_queue_position']}")
    for detail in figures["servers_detail"]:
        order = (f"{detail['out_of_order']} of {detail['queue_starts']} runs started out of arrival order, "
                 f"{detail['tracebacks']} tracebacks in its log" if "queue_starts" in detail else "no log given")
        print(f"  server {detail['url']} (pid {detail['pid']}): peak RSS {detail['peak_rss_mb']} MB, "
              f"VmHWM {detail['vm_hwm_mb']} MB; {order}")
    print(f"  errors: {len(figures['errors'])}" + "".join(f"\n    {e}" for e in figures["errors"]))
    print(f"  lost inputs: {len(figures['lost_inputs'])}" + "".join(f"\n    {e}" for e in figures["lost_inputs"]))
    if figures["memory_curve"]:
        curve = figures["memory_curve"]
        print("  server RSS over playground runs: " + ", ".join(f"run {n}: {mb:,.0f} MB" for n, mb in curve if mb))
        tenth = next((mb for n, mb in curve if n == 10), None)
        last_n, last = curve[-1]
        middle = next((mb for n, mb in curve if n >= last_n // 2), None)
        if tenth and last and middle:
            # The first runs warm caches up; a leak keeps growing in the second half too.
            print(f"  growth from run 10 to run {last_n}: {last - tenth:+,.1f} MB; "
                  f"over the second half (runs {last_n // 2}-{last_n}): {last - middle:+,.1f} MB")


def server_env(pairs: list[str]) -> dict[str, str]:
    settings = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    if len(settings) != len(pairs):
        raise SystemExit("--server-env takes NAME=VALUE")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10)
    parser.add_argument("--max-tokens", type=int, default=32, help="each side's answer length in the playground")
    parser.add_argument("--memory-runs", type=int, default=0, help="then run the playground this many times and watch memory")
    parser.add_argument("--url", action="append", default=[], help="a running server (repeat for replicas)")
    parser.add_argument("--pid", action="append", type=int, default=[], help="its PID, in --url order (for memory)")
    parser.add_argument("--log", action="append", type=Path, default=[], help="its log, in --url order (for queue order)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the server this starts, e.g. CROSSOVER_LOCAL_THREADS=1")
    args = parser.parse_args(argv)
    if args.participants < 1 or args.max_tokens < 1 or args.memory_runs < 0:
        parser.error("--participants and --max-tokens must be at least 1, --memory-runs at least 0")
    if (args.pid and len(args.pid) != len(args.url)) or (args.log and len(args.log) != len(args.url)):
        parser.error("give one --pid and one --log per --url, in the same order, or none")
    with ExitStack() as stack:
        if args.url:
            targets = [Target(url.rstrip("/"), args.pid[i] if args.pid else None, args.log[i] if args.log else None)
                       for i, url in enumerate(args.url)]
        else:
            folder = Path(tempfile.mkdtemp(prefix="crossover-load-"))  # kept: its log is the evidence
            env = {"CROSSOVER_DATA_DIR": str(folder / "data"), "CROSSOVER_LOG_RERUNS": "1"}
            server = stack.enter_context(streamlit_server(folder / "streamlit.log", env | server_env(args.server_env)))
            print(f"started streamlit on {server.url} (pid {server.pid}), log {server.log_path}")
            targets = [Target(server.url, server.pid, server.log_path)]
        figures = asyncio.run(load(targets, args.participants, args.max_tokens, args.memory_runs))
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 1 if figures["errors"] or figures["lost_inputs"] else 0


if __name__ == "__main__":
    sys.exit(main())
