"""A hostile participant on a shared workshop server (issue 17), case by case.

Every case the issue found is replayed here, with real requests to real servers on
loopback where a server is involved: a listener that records the headers it gets, an
"internal service" that puts a secret in its error body, a server that streams for ever.
The browser-side cases (what other participants' screens render) are in
``tests/e2e/test_hostile.py``.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pandas as pd
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from cli.output import write_file_safely
from decisions import Decision
from decisions.document import MAX_DECISION_BYTES, decode_decision
from decisions.library import LibraryError, ScenarioLibrary
from decisions.links import decode_link
from inference import BackendConfig, GenerationRequest, ResolvedKey, build_backend, measure, resolve_key
from inference.local_gguf import LocalGGUFBackend, load_local_model, loaded_models
from inference.outbound import OutboundPolicy, normalise_base_url, outbound_policy
from quality.checks import check_answer
from quality.runner import REQUEST_BUDGET, run_eval, start_eval_run
from quality.tasks import MAX_TASKS, Task, TaskSet, parse_task_file
from routing.policy import PolicyError, parse_policy_file
from routing.prompt_files import MAX_PROMPTS, parse_pasted
from scenario import InputError, load_scenario_file
from scenario.limits import read_user_file
from scenario.text import excerpt, plain, spreadsheet_safe
from tests.cli_runner import CROSSOVER, run_cli
from tests.peers import ChatServer, InternalService, StatusServer

OPERATOR_KEY = "sk-operator-0000-must-never-leave"
PARTICIPANT_KEY = "sk-participant-1111"
HELLO = GenerationRequest(prompt="Capital of France?", max_tokens=8, temperature=0)
PRIVATE = OutboundPolicy("private", "test")
CONFIGURED = OutboundPolicy("configured", "test")


@pytest.fixture
def operator_key(monkeypatch):
    """The server's own key in its environment, as on a workshop server."""
    monkeypatch.setenv("OPENAI_API_KEY", OPERATOR_KEY)
    monkeypatch.delenv("CROSSOVER_TRUSTED_BASE_URLS", raising=False)
    monkeypatch.delenv("CROSSOVER_OUTBOUND", raising=False)


# --- The operator's API key can be stolen --------------------------------------------------


def test_a_typed_base_url_never_receives_the_operators_key(operator_key):
    with ChatServer() as listener:
        url = listener.url + "/v1"
        key = resolve_key("openai", base_url=url)
        assert key.value is None and key.owner == "none"
        result = measure(build_backend(BackendConfig(kind="openai", model="m", base_url=url), key, PRIVATE), HELLO)
        assert result.ok, result.error
        assert listener.requests == 1
        assert OPERATOR_KEY not in json.dumps(listener.headers_seen)


def test_the_participants_own_key_goes_to_their_own_server(operator_key):
    with ChatServer() as listener:
        url = listener.url + "/v1"
        key = resolve_key("openai", typed=PARTICIPANT_KEY, base_url=url)
        assert key.owner == "participant"
        assert measure(build_backend(BackendConfig(kind="openai", model="m", base_url=url), key, PRIVATE), HELLO).ok
        assert listener.keys_seen() == [PARTICIPANT_KEY]


def test_build_backend_withholds_the_operators_key_whoever_resolved_it(operator_key):
    """A page that forgot the rule still cannot leak the key: the registry drops it."""
    with ChatServer() as listener:
        url = listener.url + "/v1"
        leaked = ResolvedKey(SecretStr(OPERATOR_KEY), "the environment (OPENAI_API_KEY)", "operator")
        assert measure(build_backend(BackendConfig(kind="openai", model="m", base_url=url), leaked, PRIVATE), HELLO).ok
        assert OPERATOR_KEY not in json.dumps(listener.headers_seen)


def test_a_base_url_the_operator_lists_gets_the_operators_key(operator_key, monkeypatch):
    with ChatServer() as gateway:
        url = gateway.url + "/v1"
        monkeypatch.setenv("CROSSOVER_TRUSTED_BASE_URLS", f"https://elsewhere.example/v1, {url}/")
        key = resolve_key("openai", base_url=url)
        assert key.owner == "operator"
        assert measure(build_backend(BackendConfig(kind="openai", model="m", base_url=url), key, CONFIGURED), HELLO).ok
        assert gateway.keys_seen() == [OPERATOR_KEY]


def test_the_official_endpoint_still_uses_the_operators_key(operator_key):
    assert resolve_key("openai").owner == "operator"
    assert resolve_key("openai", base_url="https://api.openai.com/v1/").value.get_secret_value() == OPERATOR_KEY
    assert resolve_key("openai", base_url="https://api.openai.com.evil.example/v1").value is None
    assert resolve_key("openai", base_url="https://api.openai.com@evil.example/v1").value is None


def test_the_command_line_uses_its_callers_own_key_where_they_point_it(operator_key):
    with ChatServer() as listener:
        result = run_cli("compare", "--cloud", "openai", "--base-url", listener.url + "/v1", "--model", "m",
                         "--prompt", "hi", "--max-tokens", "4", "--json")
        assert result.returncode == 0, result.stderr
        assert listener.keys_seen() == [OPERATOR_KEY]  # the caller's own environment, sent where the caller said


# --- The server fetches any URL a participant types ------------------------------------------


def test_by_default_a_shared_server_sends_nothing_to_a_typed_internal_address(operator_key):
    policy = outbound_policy(beyond_loopback=True)
    assert policy.mode == "configured"
    with InternalService() as internal:
        result = measure(build_backend(BackendConfig(kind="openai", model="m", base_url=internal.url + "/v1"),
                                       resolve_key("openai", base_url=internal.url + "/v1"), policy), HELLO)
        assert internal.requests == 0
    assert result.error_kind == "blocked"
    assert "CROSSOVER_TRUSTED_BASE_URLS" in result.error and "CROSSOVER_OUTBOUND" in result.error
    assert "the default for a server others can reach" in result.error


@pytest.mark.parametrize("mode, allowed", [("official", False), ("configured", False), ("any", False), ("private", True)])
def test_each_outbound_setting_on_a_loopback_address(monkeypatch, mode, allowed):
    monkeypatch.setenv("CROSSOVER_OUTBOUND", mode)
    with ChatServer() as server:
        result = measure(build_backend(BackendConfig(kind="openai", model="m", base_url=server.url + "/v1"),
                                       ResolvedKey(None, "nowhere"), outbound_policy(beyond_loopback=True)), HELLO)
        assert server.requests == (1 if allowed else 0)
    assert result.ok if allowed else result.error_kind == "blocked"


@pytest.mark.parametrize("mode", ["any", "configured"])
def test_an_ipv6_loopback_address_is_refused_with_a_message_not_a_crash(monkeypatch, mode):
    assert normalise_base_url("http://[::1]:9901/v1/") == "http://[::1]:9901/v1"
    monkeypatch.setenv("CROSSOVER_OUTBOUND", mode)
    result = measure(build_backend(BackendConfig(kind="openai", model="m", base_url="http://[::1]:9901/v1"),
                                   ResolvedKey(None, "nowhere"), outbound_policy(beyond_loopback=True)), HELLO)
    assert result.error_kind == "blocked", result.error  # it was "Port could not be cast to integer value as ':1:9901'"


def test_a_listed_server_is_allowed_under_configured(monkeypatch):
    with ChatServer() as server:
        monkeypatch.setenv("CROSSOVER_TRUSTED_BASE_URLS", server.url + "/v1")
        assert measure(build_backend(BackendConfig(kind="openai", model="m", base_url=server.url + "/v1"),
                                     ResolvedKey(None, "nowhere"), CONFIGURED), HELLO).ok
        assert server.requests == 1


def test_an_unknown_setting_falls_back_to_the_safe_default(monkeypatch):
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "everything")
    policy = outbound_policy(beyond_loopback=False)
    assert policy.mode == "configured" and "'everything' is not one of" in policy.describe()


@pytest.mark.parametrize("html", [False, True])
def test_an_internal_services_error_body_is_not_shown(html):
    """Even where the operator allows private addresses, its error text comes back short and sanitised."""
    with InternalService(html=html) as internal:
        config = BackendConfig(kind="openai", model="m", base_url=internal.url + "/v1", max_retries=0)
        result = measure(build_backend(config, ResolvedKey(None, "nowhere"), PRIVATE), HELLO)
    assert result.error_kind == "server"
    assert InternalService.SECRET not in result.error and "hunter2" not in result.error
    assert len(result.error) < 300


def test_a_run_stops_sending_to_a_failing_server_after_a_few_calls():
    """One click sent 600 requests to the target; now the backend is given up after three failures in a row."""
    tasks = TaskSet(source="t", tasks=[Task(prompt=f"q{i}", expected="a") for i in range(40)])
    with StatusServer(500) as failing:
        backend = build_backend(BackendConfig(kind="openai", model="m", base_url=failing.url + "/v1"), ResolvedKey(None, "nowhere"), PRIVATE)
        results, _ = run_eval(tasks, [backend], max_tokens=4)
        # three calls in a row failed (each tried three times), plus at most the two others in flight beside them
        assert failing.requests <= 5 * 3
    assert len(results) == 40
    assert sum(r.error.startswith("Not sent: this backend was stopped") for r in results if r.error) >= 35


def test_a_run_sends_at_most_its_request_budget(monkeypatch):
    monkeypatch.setenv(REQUEST_BUDGET.setting, "5")
    tasks = TaskSet(source="t", tasks=[Task(prompt=f"q{i}", expected="Paris") for i in range(20)])
    with ChatServer("Paris") as server:
        backend = build_backend(BackendConfig(kind="openai", model="m", base_url=server.url + "/v1"), ResolvedKey(None, "nowhere"), PRIVATE)
        results, _ = run_eval(tasks, [backend], max_tokens=4)
        assert server.requests == 5
    refused = [r for r in results if r.error and "limit of 5 requests" in r.error]
    assert len(refused) == 15 and REQUEST_BUDGET.setting in refused[0].error


# --- One check freezes everyone ---------------------------------------------------------------


def test_a_backtracking_regex_is_stopped_and_lets_other_threads_run():
    task = Task(prompt="p", expected=r"(a|aa)+$", check="regex")
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(check_answer(task, "a" * 40 + "!")))
    ticks = 0
    worker.start()
    while worker.is_alive():  # Python's re would hold the interpreter lock: this loop would not run meanwhile
        ticks += 1
    worker.join()
    assert outcome[0].passed is None and "took longer than" in outcome[0].detail
    assert ticks > 1000


def test_the_issues_patterns_finish():
    assert check_answer(Task(prompt="p", expected=r"^(a+)+$", check="regex"), "a" * 30 + "!").passed is False
    sentence = "The quick brown fox jumps over the lazy dog, then keeps running far away from the farm!"
    assert check_answer(Task(prompt="p", expected=r"^(\w+\s?)*$", check="regex"), sentence).passed in (False, None)


def test_a_bad_or_huge_pattern_is_refused_before_anything_runs():
    with pytest.raises(InputError, match="keep it to 500"):
        parse_task_file("t.csv", ("prompt,expected,check\nq," + "a" * 600 + ",regex\n").encode())


# One level more (46 characters) took the server to 3.5 GB and a MemoryError while it read the
# task file; this one compiles to about 300 MB, so without the guard the test fails, not the machine.
PATTERN_BOMB = "(?:(?:(?:a{100}){100}){100})"


def test_a_pattern_that_would_compile_to_gigabytes_is_refused_by_its_text(tmp_path):
    task_file = "prompt,expected,check\nq," + PATTERN_BOMB + ",regex\n"
    with pytest.raises(InputError, match=r"expand to about 1,000,000 elements, more than 100,000; use an open repeat"):
        parse_task_file("t.csv", task_file.encode())
    (tmp_path / "bomb.csv").write_text(task_file)
    result = run_cli("eval", "--tasks", str(tmp_path / "bomb.csv"))
    assert result.returncode == 2 and "expand to about 1,000,000 elements" in result.stderr  # it crashed with a traceback
    # Counted repeats people write still compile, up to the bound.
    for pattern in (r"\d{3}-\d{3}-\d{4}", r"[A-Z]{2}\d{2}[A-Z0-9]{4}\d{7}([A-Z0-9]?){0,16}", r"(?:a{100}){1000}", r"(?P<w>\w+){2,}"):
        line = json.dumps({"prompt": "q", "expected": pattern, "check": "regex"})
        assert parse_task_file("t.jsonl", line.encode()).tasks[0].expected == pattern


@pytest.mark.parametrize("answer", ["{" * 30_000, "{\"a\":" * 5_000 + "1" + "}" * 5_000, "[" * 50_000 + "]" * 50_000])
def test_json_field_on_hostile_answers_ends_without_a_traceback(answer):
    outcome = check_answer(Task(prompt="p", expected="Paris", check="json_field:city"), answer)
    assert outcome.passed is False  # and no RecursionError, no quadratic re-parsing


def test_json_field_still_finds_the_object_after_noise():
    answer = "Sure {not json} and {\"note\": \"a } brace\", \"city\": \"Paris\"} done " + "{" * 1000
    assert check_answer(Task(prompt="p", expected="Paris", check="json_field:city"), answer).passed is True


def test_stop_ends_a_run_on_a_server_that_never_finishes():
    tasks = TaskSet(source="t", tasks=[Task(prompt=f"q{i}", expected="a") for i in range(5)])
    with ChatServer(drip_s=0.05) as endless:
        backend = build_backend(BackendConfig(kind="openai", model="m", base_url=endless.url + "/v1"), ResolvedKey(None, "nowhere"), PRIVATE)
        run = start_eval_run(tasks, [backend], max_tokens=10_000, judge=None, cost=lambda b, r: None, tab_closed=lambda: False)
        while endless.requests == 0:
            run.job.join(0.05)
        run.job.stop.set()
        assert not run.running  # the page shows what finished at once
        run.job.join(2.0)  # the issue: "Stop interrupts within 2 s"
        assert not run.job.running
    assert run.results == []


# --- Memory grows by ~3 GB a click ----------------------------------------------------------


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def test_one_copy_of_the_local_model_whatever_the_settings():
    load_local_model(None, 1024, 1)
    before = _rss_mb()
    for n_ctx, threads in [(2048, 2), (131_072, 256), (4096, 1)]:
        result = measure(LocalGGUFBackend(n_ctx=n_ctx, n_threads=threads), GenerationRequest(prompt="Hi", max_tokens=2, temperature=0))
        assert result.ok, result.error
        assert len(loaded_models()) == 1
    assert (loaded_models()[0].n_ctx, loaded_models()[0].n_threads) == (4096, 1)
    # Each extra copy at 131,072 tokens held 3 GB; replaced copies are freed.
    assert _rss_mb() - before < 400


def test_context_and_threads_are_capped_and_the_run_says_so():
    result = measure(LocalGGUFBackend(n_ctx=131_072, n_threads=256), GenerationRequest(prompt="Hi", max_tokens=2, temperature=0))
    assert result.ok, result.error
    note = next(s for s in result.statuses if s.startswith("Settings adjusted"))
    assert "context capped at 8,192 tokens, what the model was trained on" in note
    assert f"threads capped at this machine's {os.cpu_count()} cores" in note
    assert result.threads == os.cpu_count()  # the run reports the threads it really had


def test_the_memory_budget_caps_the_context(monkeypatch):
    monkeypatch.setenv("CROSSOVER_LOCAL_KV_BUDGET_MB", "32")
    result = measure(LocalGGUFBackend(n_ctx=8192), GenerationRequest(prompt="Hi", max_tokens=2, temperature=0))
    assert result.ok, result.error
    assert any("memory budget" in s and "CROSSOVER_LOCAL_KV_BUDGET_MB" in s for s in result.statuses)


def test_the_model_path_field_does_not_tell_which_files_exist(tmp_path):
    existing, missing = Path("/etc/hostname"), tmp_path / "nope.gguf"
    messages = {measure(LocalGGUFBackend(path, any_path=False), HELLO).error for path in (existing, missing, tmp_path)}
    assert len(messages) == 1 and "CROSSOVER_MODEL_DIRS" in messages.pop()


# --- No per-participant bounds -----------------------------------------------------------------


def test_prompt_count_is_capped_and_the_setting_raises_it(monkeypatch):
    text = "\n".join(f"prompt {i}" for i in range(MAX_PROMPTS.default + 1))
    with pytest.raises(InputError, match=f"5,001 prompts; the limit is 5,000 .*{MAX_PROMPTS.setting}"):
        parse_pasted(text)
    monkeypatch.setenv(MAX_PROMPTS.setting, "20000")
    assert len(parse_pasted(text).prompts) == MAX_PROMPTS.default + 1


def test_task_count_is_capped_naming_the_setting():
    with pytest.raises(InputError, match=MAX_TASKS.setting):
        parse_task_file("t.jsonl", "\n".join(json.dumps({"prompt": f"q{i}", "expected": "a"}) for i in range(2001)).encode())


def test_policy_rules_are_capped_naming_the_setting():
    policy = {"rules": [{"kind": "privacy_split"}] * 1_000}
    with pytest.raises(PolicyError, match="1,000 rules; the limit is 50 .*CROSSOVER_MAX_POLICY_RULES"):
        parse_policy_file("p.json", json.dumps(policy).encode())
    with pytest.raises(PolicyError, match="the limit is 256,000"):  # 10,000 rules: over the size limit before parsing
        parse_policy_file("p.json", json.dumps({"rules": [{"kind": "privacy_split"}] * 10_000}).encode())


def test_a_saved_decision_is_capped_naming_the_setting(tmp_path):
    library = ScenarioLibrary(f"sqlite:///{tmp_path / 'l.db'}")
    big = Decision.model_validate({"costs": {"price_overrides": {f"custom:model-{i:03d}-" + "x" * 100: {"input_per_mtok": 1, "output_per_mtok": 1}
                                                                 for i in range(16)}}})
    with pytest.raises(LibraryError, match="limit is 2,000 .*CROSSOVER_MAX_DECISION_BYTES"):
        os.environ[MAX_DECISION_BYTES.setting] = "2000"
        try:
            library.save(big, name="big")
        finally:
            del os.environ[MAX_DECISION_BYTES.setting]
    assert library.list() == []


def test_a_decision_cannot_hold_unbounded_names():
    with pytest.raises(InputError, match="costs"):
        decode_decision(json.dumps({"scenario": {}, "costs": {"gpu_id": "x" * 5000}}).encode())


# --- Deeply nested or oversize input, in every parser ------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000


def _link(payload: bytes) -> str:
    return "1." + base64.urlsafe_b64encode(zlib.compress(payload, 9)).rstrip(b"=").decode()


def test_a_deeply_nested_link_is_refused_naming_the_limit():
    with pytest.raises(InputError, match="nests more than 32 levels"):
        decode_link(_link(DEEP.encode()))


def test_a_link_that_unpacks_to_megabytes_is_refused_briefly():
    bomb = _link(json.dumps({"scenario": {"team": "x" * 6_000_000}}).encode())
    assert len(bomb) < 8_000
    with pytest.raises(InputError) as caught:
        decode_link(bomb)
    assert "CROSSOVER_MAX_DECISION_BYTES" in str(caught.value) and len(str(caught.value)) < 300


def test_a_bad_links_error_quotes_a_short_excerpt():
    token = _link(json.dumps({"scenario": {"team": "y" * 50_000}}).encode())
    with pytest.raises(InputError) as caught:
        decode_link(token)
    assert "more characters" in str(caught.value) and len(str(caught.value)) < 400


@pytest.mark.parametrize("name, content", [
    ("deep.json", DEEP.encode()),
    ("deep.yaml", DEEP.encode()),
    ("deep.yaml", ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200))).encode()),
    ("aliases.yaml", b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'),
])
def test_policy_files_refuse_deep_nesting_and_aliases(name, content):
    with pytest.raises(PolicyError, match="nests more than 32 levels|anchors and aliases"):
        parse_policy_file(name, content)


def test_library_imports_and_task_lines_refuse_deep_nesting():
    with pytest.raises(InputError, match="nests more than 32 levels"):
        decode_decision(b'{"scenario": ' + DEEP.encode() + b"}")
    with pytest.raises(InputError, match="line 1 nests more than 32 levels"):
        parse_task_file("t.jsonl", b'{"prompt": ' + DEEP.encode() + b"}\n")


def test_cli_deep_scenario_exits_2_without_a_traceback(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"scenario": ' + DEEP + "}")
    for command in (["recommend", "--scenario", str(deep)], ["report", "--scenario", str(deep), "--out", str(tmp_path / "r.md")]):
        result = run_cli(*command)
        assert result.returncode == 2 and "nests more than 32 levels" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_fifo_as_scenario_does_not_hang(tmp_path):
    fifo = tmp_path / "scenario.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a pipe"):
        load_scenario_file(fifo)
    result = subprocess.run([CROSSOVER, "recommend", "--scenario", str(fifo)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "is a pipe, not a file" in result.stderr


def test_devices_and_folders_are_not_read_as_files(tmp_path):
    for path, kind in ((Path("/dev/zero"), "a device"), (tmp_path, "a folder")):
        with pytest.raises(InputError, match=f"is {kind}"):
            read_user_file(path, 1000)


# --- crossover report --out -------------------------------------------------------------------


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".r.md.partial").symlink_to(victim)
    result = run_cli("report", "--preset", "startup-mvp", "--out", str(tmp_path / "r.md"))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    assert (tmp_path / "r.md").read_text().startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.md.partial", "r.md", "victim.txt"]  # no temp file left


@pytest.mark.parametrize("target, kind", [("/dev/null", "a device"), ("link", "a symbolic link"), ("dir", "a folder"), ("fifo", "a pipe")])
def test_special_targets_are_refused(tmp_path, target, kind):
    out = Path(target) if target.startswith("/") else tmp_path / target
    if target == "link":
        (tmp_path / "real.md").write_text("keep")
        out.symlink_to(tmp_path / "real.md")
    elif target == "dir":
        out.mkdir()
    elif target == "fifo":
        os.mkfifo(out)
    before = os.lstat(out).st_mode
    result = run_cli("report", "--preset", "startup-mvp", "--out", str(out) if target != "dir" else str(out), "--format", "markdown")
    assert result.returncode == 2 and f"is {kind}" in result.stderr
    assert os.lstat(out).st_mode == before
    if target == "/dev/null":
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def _in_small_filesystem(options: str, tmp_path: Path, out_name: str) -> subprocess.CompletedProcess[str]:
    """``crossover report`` writing into a tmpfs mounted with ``options`` in a private mount namespace."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = f"mount -t tmpfs -o {options} tmpfs {mount} && exec {CROSSOVER} report --preset startup-mvp --out {mount / out_name}"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs tmpfs {mount}"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a test file system here: {probe.stderr.strip()}")
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)


def test_a_read_only_file_system_gives_a_message_and_exit_2(tmp_path):
    result = _in_small_filesystem("ro", tmp_path, "r.html")
    assert result.returncode == 2 and "the file system is read-only" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_full_file_system_gives_a_message_and_exit_2(tmp_path):
    result = _in_small_filesystem("size=64k", tmp_path, "r.html")  # the HTML report is megabytes (plotly.js inside)
    assert result.returncode == 2 and "the disk is full" in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr


def test_write_file_safely_replaces_a_regular_file_whole(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old")
    write_file_safely(out, b"new")
    assert out.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["r.json"]


# --- Other people's screens, and smaller cases ------------------------------------------------


@pytest.mark.parametrize("hostile", [
    "[Click here](https://evil.example/login)",
    "![](http://127.0.0.1:9/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "visit https://evil.example or www.evil.example or mail a@evil.example",
    "# Heading\n- list\n1. item",
    "**bold** _it_ `code` $x^2$ :red[red]",
])
def test_plain_leaves_no_markdown_construct(hostile):
    from markdown_it import MarkdownIt

    # CommonMark plus tables and strikethrough; bare-URL autolinks are checked in a browser (tests/e2e/test_hostile.py).
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(plain(hostile))
    for tag in ("<a", "<img", "<h1", "<ul", "<ol", "<strong", "<em", "<code"):
        assert tag not in rendered
    assert "<p>" in rendered


def test_excerpt_is_short():
    assert len(excerpt("x" * 6_000_000)) < 120
    assert len(str(InputError(["y" * 100_000]))) < 500


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_cannot_run_as_formulas(cell):
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe(-2) == -2 and spreadsheet_safe("Paris") == "Paris"


def test_a_deleted_scenario_goes_to_a_bin_and_comes_back(tmp_path):
    library = ScenarioLibrary(f"sqlite:///{tmp_path / 'l.db'}")
    saved = library.save(Decision(), name="Support bot")
    library.save(Decision(), name="Support bot", scenario_id=saved.id)
    with pytest.raises(LibraryError, match="type the scenario's name exactly"):
        library.delete(saved.id, confirm_name="support bot")
    library.delete(saved.id, confirm_name="Support bot")
    assert library.list() == [] and [s.name for s in library.binned()] == ["Support bot"]
    with pytest.raises(LibraryError):
        library.open(saved.id)
    restored = library.restore_deleted(saved.id)
    assert restored.version == 2 and [v.version for v in library.versions(saved.id)] == [2, 1]


def test_the_bin_is_emptied_after_its_retention(tmp_path, monkeypatch):
    from sqlalchemy import text

    library = ScenarioLibrary(f"sqlite:///{tmp_path / 'l.db'}")
    saved = library.save(Decision(), name="old")
    library.delete(saved.id)
    with library._engine.begin() as connection:
        connection.execute(text("UPDATE scenarios SET deleted_at = '2000-01-01 00:00:00.000000'"))
    monkeypatch.setenv("CROSSOVER_BIN_DAYS", "30")
    assert library.binned() == []
    with library._engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM scenario_versions")).scalar() == 0


def test_a_library_from_before_the_bin_gains_its_column(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    connection = sqlite3.connect(db)
    connection.executescript(
        "CREATE TABLE scenarios (id VARCHAR(36) PRIMARY KEY, name VARCHAR(120), owner VARCHAR(80), notes TEXT,"
        " created_at DATETIME, updated_at DATETIME, latest_version INTEGER);"
        "CREATE TABLE scenario_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id VARCHAR(36), version INTEGER,"
        " saved_at DATETIME, name VARCHAR(120), owner VARCHAR(80), notes TEXT, payload TEXT);")
    connection.close()
    library = ScenarioLibrary(f"sqlite:///{db}")
    saved = library.save(Decision(), name="kept")
    assert [s.name for s in library.list()] == ["kept"] and library.delete(saved.id).deleted_at is not None


def test_the_cli_tasks_file_must_be_a_regular_file(tmp_path):
    fifo = tmp_path / "tasks.jsonl"
    os.mkfifo(fifo)
    result = run_cli("eval", "--tasks", str(fifo))
    assert result.returncode == 2 and "is a pipe" in result.stderr


def test_the_package_imports_used_here_do_not_pull_in_streamlit():
    code = "import sys, scenario.limits, scenario.text, inference.outbound, cli.output; assert 'streamlit' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_streamlit_refuses_uploads_far_beyond_the_apps_own_limits():
    # Streamlit keeps a whole upload in memory before the app can refuse it: its 200 MB default let
    # three 190 MB files take a shared server from 456 MB to 1,057 MB. Just over the app's 10 MiB
    # still reaches the app's own message (Streamlit counts decimal megabytes).
    import tomllib

    from scenario.uploads import MAX_BYTES

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert MAX_BYTES / 1e6 < config["server"]["maxUploadSize"] <= 12


@given(st.text(alphabet="a\\d{}(),?:*+|[]^P<>=!0123456789", max_size=40))
def test_any_pattern_text_is_sized_without_an_error(pattern):
    from quality.tasks import _expansion, compile_pattern

    assert _expansion(pattern) >= 0
    try:
        compile_pattern(pattern)
    except regex.error:
        pass  # refused with the engine's own message, or for its size: never another exception


# Plotly draws a subset of HTML in legends and hover labels: a model name from a shared link was a
# live link and a page-sized red word over the Costs chart and in the HTML report.
HOSTILE_MODEL = "custom:<a href='http://127.0.0.1:9/phish'>CHEAPEST</a><span style='font-size:200px'>HACKED</span>"


def test_a_typed_model_name_is_text_in_every_chart_of_the_page_and_the_report():
    from calculators import CostAssumptions
    from charts.costs import tornado_figure
    from decisions import Decision
    from decisions.report import build_report
    from decisions.report_render import _figures

    prices = {HOSTILE_MODEL: {"input_per_mtok": 1, "output_per_mtok": 2}}
    decision = Decision(costs=CostAssumptions(cloud_models=[HOSTILE_MODEL], price_overrides=prices))
    report, costs = build_report(decision)
    figures = [figure for _, figure in _figures(report, costs)]  # the report's, built as the Costs page builds them
    figures.append(tornado_figure(pd.DataFrame({"assumption": ["<b>x</b>"], "base_diff_usd": [0.0], "low_diff_usd": [1.0], "high_diff_usd": [2.0]}), 0.2))
    texts = [str(value) for figure in figures for trace in figure.data
             for value in (trace.name, getattr(trace, "hovertemplate", None), getattr(trace, "y", None)) if value is not None]
    assert any("CHEAPEST" in text for text in texts)  # the name is there...
    assert not any("<a " in text or "<span" in text or "<b>" in text for text in texts)  # ...as text
