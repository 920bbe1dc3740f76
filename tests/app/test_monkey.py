"""A monkey on the whole app: no click sequence crashes a page or loses an input the user set.

A hypothesis state machine drives the real app script through AppTest: it switches pages at
random, gives whatever widget the current page shows a random valid value (every option of a
select box, numbers across their whole range, toggles, text), clicks buttons and loads a
preset. After every step:

- no page shows an exception;
- every widget has a key (the design's rule; persistence and tests rely on it);
- every input the user set is still in force: the scenario, weight and cost fields it set
  (in the canonical models), and every page setting it set (kept by ``persist_state``), unless
  a later step replaced it on purpose (a preset, a reset, opening a saved scenario...), in
  which case what replaced it is checked instead.

AppTest is no browser: it sends back the values the server last drew, so the browser-only
failure where a deleted widget key comes back from the page is covered by
``tests/e2e/test_demo_proof.py``.

``CROSSOVER_MONKEY_STEPS`` sets the number of steps (default 200, about 45 s here);
``CROSSOVER_MONKEY_SEED`` replays a run: a failure prints its seed and every step it took.
"""

from __future__ import annotations

import math
import os
import random
import re
import string
from typing import Any

import hypothesis
import hypothesis.strategies as hs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, initialize, invariant, rule
from streamlit.proto.NumberInput_pb2 import NumberInput as NumberInputProto
from streamlit.testing.v1 import AppTest

from advisor import Weights, get_preset, list_presets
from app.presenter import PRESENT_KEY
from app.state import COSTS_KEY, SCENARIO_KEY, WEIGHTS_KEY, cost_resets
from calculators import CostAssumptions
from scenario import Scenario
from tests.app.conftest import ENTRY

STEPS = int(os.environ.get("CROSSOVER_MONKEY_STEPS", "200"))
STEPS_PER_SESSION = 50  # a fresh browser session (AppTest) every 50 steps
PAGES = ["views/home.py", "views/checklist.py", "views/recommendation.py", "views/costs.py", "views/playground.py",
         "views/routing.py", "views/evaluation.py", "views/capacity.py", "views/library.py", "views/compare.py",
         "views/report.py"]
COSTS_TABS = ["Cost curves", "Breakdown", "Total cost over time", "Sensitivity"]
PRESETS = [p.id for p in list_presets()]
# Buttons that start inference on the bundled model (seconds each): the Playground, Quality
# check and routing tests run them; the monkey's budget goes to everything else.
INFERENCE_BUTTONS = {"pg.action.run", "ev.action.run", "rt.action.run_real"}
WIDGET_KINDS = ("number_input", "slider", "select_slider", "selectbox", "multiselect", "radio", "toggle", "checkbox",
                "text_input", "text_area", "button_group")
VIEW = re.compile(r"(input|weight|cost)\.(.+?)(?:\.v\d+)?")  # a view of the decision, and its revision
MODELS = {"input": (SCENARIO_KEY, Scenario), "weight": (WEIGHTS_KEY, Weights), "cost": (COSTS_KEY, CostAssumptions)}
TEXT_CHARACTERS = string.ascii_letters + string.digits + " :/._-"


def _cost_field_and_dependents(field: str) -> set[str]:
    """A cost field a button sets, and those that go back to the catalog's figure with it."""
    return {f"cost.{name}" for name in (field, *cost_resets(field))}


# What a button replaces on purpose: canonical models ("input", "weight", "cost"), one of their
# fields ("input.<field>") and page settings. The first matching prefix counts.
_OPENS = {"input", "weight", "cost", "lib.name", "lib.owner", "lib.notes"}
_SAVES = {"lib.name", "lib.owner", "lib.notes", "lib.new.name", "lib.new.notes"}
BUTTON_REPLACES: list[tuple[str, set[str]]] = [
    ("home.preset.", {"input"}),
    ("checklist.presets.load", {"input"}),
    ("checklist.", {"checklist.nav"}),
    ("costs.reset", {"cost"}),
    ("costs.action.use_counts", {"input.input_tokens_per_request", "input.output_tokens_per_request"}),
    # The measured prompt cache brings the prompts' average length with it; by hand puts the share back.
    ("costs.action.use_prefix", {"input.input_tokens_per_request", "cost.shared_prefix_tokens", "cost.shared_prefix_source"}),
    ("costs.action.cache_by_hand", {"cost.shared_prefix_tokens", "cost.shared_prefix_source"}),
    ("pg.action.use_reasoning", _cost_field_and_dependents("reasoning_multiple")),
    ("costs.action.reasoning_defaults", _cost_field_and_dependents("reasoning_multiple")),  # "Back to the sourced defaults"
    # A measured speed (a finished capacity sweep, a Playground run) becomes the cost model's throughput.
    ("cap.action.use", _cost_field_and_dependents("throughput_tokens_per_s")),
    ("pg.action.use_throughput.", _cost_field_and_dependents("throughput_tokens_per_s")),
    ("costs.action.", {"cost.cloud_models", "cost.price_overrides"}),
    ("weights.reset", {"weight"}),
    ("lib.action.open", _OPENS),
    ("lib.action.restore", _OPENS),
    ("lib.action.save", _SAVES),
    ("lib.action.duplicate", {"lib.pick"}),
    ("lib.action.delete", {"lib.pick", "lib.confirm_delete", "cmp.pick"}),
    ("lib.action.rename", {"lib.name"}),
    ("present.action.leave", {"crossover.present"}),
    ("rt.action.use_tokens", {"input.input_tokens_per_request"}),
    ("rt.action.", {"rt.real"}),  # another prompt set: the prompts picked by number are gone
]
# Settings another setting changes on purpose.
SETTING_REPLACES: list[tuple[str, set[str]]] = [
    ("ev.extra_url", {"ev.backends"}),
    ("pg.right.", {"ev.backends"}),  # the Quality check drops a Playground side no longer set up that way
]


def _replaced(key: str, table: list[tuple[str, set[str]]]) -> set[str]:
    return next((replaced for prefix, replaced in table if key.startswith(prefix)), set())


def _canonical(at: AppTest, group: str) -> Any:
    key, model = MODELS[group]
    return at.session_state[key] if key in at.session_state else model()


def _field(group: str, name: str) -> str:
    if group == "input":
        return name.split(".", 1)[1]  # input.<page>.<field>
    return "gpus_fixed" if name == "fix_gpus" else name


def _number(widget: Any, rng: random.Random) -> float | int:
    is_int = widget.proto.data_type == NumberInputProto.INT
    low = widget.min if widget.min is not None else -1e6
    high = widget.max if widget.max is not None else 1e6
    edge = rng.random() < 0.2  # the ends of the range, where overflow and empty results hide
    if is_int:
        return rng.choice([int(low), int(high)]) if edge else rng.randint(int(low), int(high))
    if edge:
        return rng.choice([float(low), float(high)])
    # Across orders of magnitude: a uniform draw up to 1e12 would hardly ever be small.
    span = float(high) - float(low)
    return float(low) + span * rng.random() ** rng.choice([1, 4, 12])


def _slider(widget: Any, rng: random.Random) -> float | int:
    steps = max(0, math.floor(round((widget.max - widget.min) / widget.step, 9)))
    value = widget.min + rng.randint(0, steps) * widget.step
    return int(value) if isinstance(widget.step, int) and isinstance(widget.min, int) else round(value, 9)


def _text(rng: random.Random, limit: int) -> str:
    return "".join(rng.choice(TEXT_CHARACTERS) for _ in range(rng.randint(0, min(limit, 24))))


def _value_for(widget: Any, rng: random.Random) -> Any:
    """A value a user could give this widget in the browser (options by their shown label)."""
    kind = widget.type
    if kind == "number_input":
        return _number(widget, rng)
    if kind == "slider":
        return _slider(widget, rng)
    if kind in ("selectbox", "radio", "select_slider"):
        return rng.choice(widget.options)
    if kind == "multiselect":
        limit = min(widget.proto.max_selections or len(widget.options), len(widget.options), 4)
        return rng.sample(widget.options, rng.randint(0, limit))
    if kind == "button_group":
        return rng.choice([None, *widget.options])
    if kind in ("toggle", "checkbox"):
        return not widget.value
    return _text(rng, widget.proto.max_chars or 24)


class Monkey(RuleBasedStateMachine):
    """One browser session clicking at random; what it set is remembered and checked."""

    def __init__(self) -> None:
        super().__init__()
        self.at = AppTest.from_file(ENTRY, default_timeout=60)
        self.at.run()
        self.settings: dict[str, Any] = {}  # page setting key -> value the app kept for it
        self.fields: dict[tuple[str, str], Any] = {}  # (group, field) -> value in the canonical model
        self.expected_models: dict[str, Any] = {}  # group -> whole canonical model a button put in force

    # --- steps ----------------------------------------------------------------------------

    def _widgets(self) -> list[Any]:
        found = [w for kind in WIDGET_KINDS for w in getattr(self.at, kind)]
        return [w for w in found if not getattr(w.proto, "disabled", False)]

    def _buttons(self) -> list[Any]:
        return [b for b in self.at.button if not b.proto.disabled and b.key not in INFERENCE_BUTTONS]

    @initialize(rng=hs.randoms(use_true_random=True))
    def start(self, rng: random.Random) -> None:
        # Every choice (what to do, which widget, value or button) comes from this generator,
        # seeded by hypothesis, not from hypothesis' own draws: those must not depend on what
        # the app shows (a real library, caches and clocks), and hypothesis starts from its
        # simplest example, which would be the same first button fifty times over.
        self.rng = rng

    @rule()
    def step(self) -> None:
        """One thing a user does, drawn from the session's generator."""
        action = self.rng.choices(
            [self.switch_page, self.set_a_widget, self.click_a_button, self.load_a_preset, self.open_a_costs_tab],
            weights=[25, 45, 20, 4, 6])[0]
        action()

    def switch_page(self) -> None:
        page = self.rng.choice(PAGES)
        hypothesis.note(f"switch to {page}")
        self.at.switch_page(page).run()

    def set_a_widget(self) -> None:
        widgets = self._widgets()
        # The sidebar's presenter switch is on every page: drawn as often as the rest it
        # would take a third of the steps.
        page_widgets = [w for w in widgets if w.key != PRESENT_KEY]
        if not page_widgets and self.rng.random() > 0.1:
            return self.switch_page()  # the Start page: nothing but buttons
        widget = self.rng.choice(page_widgets if page_widgets and self.rng.random() > 0.05 else widgets)
        value = _value_for(widget, self.rng)
        hypothesis.note(f"set {widget.type} {widget.key!r} to {value!r}")
        widget.set_value(value).run()
        self._forget(_replaced(widget.key, SETTING_REPLACES))
        self._remember(widget.key)

    def click_a_button(self) -> None:
        buttons = self._buttons()
        if not buttons:
            return
        button = self.rng.choice(buttons)
        preset = self.at.session_state["checklist.presets.choice"] if button.key == "checklist.presets.load" else None
        hypothesis.note(f"click {button.key!r}")
        button.click().run()
        self._forget(_replaced(button.key, BUTTON_REPLACES))
        if button.key.startswith("home.preset."):
            preset = button.key.removeprefix("home.preset.")
        if preset:
            self.expected_models["input"] = get_preset(preset).scenario
        if button.key.startswith("costs.reset"):
            self.expected_models["cost"] = CostAssumptions()
        if button.key == "weights.reset":
            self.expected_models["weight"] = Weights()

    def load_a_preset(self) -> None:
        preset = self.rng.choice(PRESETS)
        hypothesis.note(f"load the preset {preset!r} from the Start page")
        self.at.switch_page("views/home.py").run()
        self.at.button(key=f"home.preset.{preset}").click().run()
        self._forget({"input"})
        self.expected_models["input"] = get_preset(preset).scenario

    def open_a_costs_tab(self) -> None:
        if "costs.tab" not in self.at.session_state:
            return  # not on the Costs page
        tab = self.rng.choice(COSTS_TABS)
        hypothesis.note(f"open the Costs tab {tab!r}")
        self.at.session_state["costs.tab"] = tab  # st.tabs(on_change="rerun") has no AppTest widget
        self.at.run()

    # --- bookkeeping ----------------------------------------------------------------------

    def _forget(self, replaced: set[str]) -> None:
        for name in replaced:
            if name in MODELS:
                self.fields = {k: v for k, v in self.fields.items() if k[0] != name}
                self.expected_models.pop(name, None)
            elif "." in name and name.split(".", 1)[0] in MODELS:
                group, field = name.split(".", 1)
                if group in self.expected_models:  # the rest of a model a button put in force still holds
                    model = self.expected_models.pop(group)
                    self.fields.update({(group, f): getattr(model, f) for f in type(model).model_fields})
                self.fields.pop((group, field), None)
            else:
                self.settings.pop(name, None)

    def _remember(self, key: str) -> None:
        """What the app now holds for the widget just set: it must stay so."""
        if self.at.exception:
            return  # the invariant reports it
        if view := VIEW.fullmatch(key):
            group, field = view.group(1), _field(view.group(1), view.group(2))
            canonical = _canonical(self.at, group)
            self.expected_models.pop(group, None)
            if group == "cost":
                for dependent in cost_resets(field):
                    self.fields.pop((group, dependent), None)
            if hasattr(canonical, field):
                self.fields[(group, field)] = getattr(canonical, field)
            return
        if key in self.at.session_state:
            self.settings[key] = self.at.session_state[key]

    # --- what must hold after every step ----------------------------------------------------

    @invariant()
    def no_exception_and_every_widget_has_a_key(self) -> None:
        assert not self.at.exception, self.at.exception[0].value
        unkeyed = [w.type for kind in WIDGET_KINDS for w in getattr(self.at, kind) if not w.key]
        assert not unkeyed, f"widgets without a key: {unkeyed}"

    @invariant()
    def every_input_set_is_still_in_force(self) -> None:
        for (group, field), value in self.fields.items():
            assert getattr(_canonical(self.at, group), field) == value, f"{group} field {field} lost: {value!r} expected"
        for group, model in self.expected_models.items():
            assert _canonical(self.at, group) == model, f"the {group} model a button put in force was changed"
        for key, value in self.settings.items():
            assert key in self.at.session_state, f"the setting {key!r} was dropped (page switch?)"
            assert self.at.session_state[key] == value, f"the setting {key!r} changed: {value!r} expected"


@pytest.fixture
def empty_library(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSOVER_DATA_DIR", str(tmp_path))


def test_no_click_sequence_crashes_a_page_or_loses_an_input(empty_library):
    seed = int(os.environ.get("CROSSOVER_MONKEY_SEED") or random.randrange(2**32))
    test = get_state_machine_test(Monkey, settings=settings(
        max_examples=max(1, math.ceil(STEPS / STEPS_PER_SESSION)), stateful_step_count=min(STEPS, STEPS_PER_SESSION),
        deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False,
    ))
    try:
        hypothesis.seed(seed)(test)()
    except BaseException as failure:
        failure.add_note(f"Monkey seed {seed}: replay with CROSSOVER_MONKEY_SEED={seed} CROSSOVER_MONKEY_STEPS={STEPS}")
        raise
