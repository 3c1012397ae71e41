"""Questions about other cities' offices are out of scope, questions about the city itself are not."""

from __future__ import annotations

import pytest
from support_kb import write_kb

from bot.engine import ACTION_HANDOFF_YES, Engine, Person
from bot.kb import load_knowledge
from bot.scope import PlaceFilter

PLACES = """\
home: [Testburg, Тестбург, تستبورغ]
elsewhere: [Berlin, Берлин, برلين, 柏林]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from bot.app_factory import build_matcher

    kb = load_knowledge(write_kb(tmp_path_factory.mktemp("kb"), extra={"places.yaml": PLACES}))
    return Engine(kb, build_matcher(kb))


@pytest.mark.parametrize(
    "text",
    [
        "where do I register my address in Berlin",
        "Wo melde ich meine Wohnung in Berlin an?",
        "как зарегистрировать адрес в Берлине",
        "كيف أسجل عنواني في برلين",
    ],
)
def test_another_citys_question_gets_no_answer_but_a_person(engine: Engine, text: str) -> None:
    response = engine.handle_text(Person(id="p"), text)
    assert not response.answered and response.match.intent is None
    assert any(b.action == ACTION_HANDOFF_YES for r in response.replies for row in r.buttons for b in row)


def test_naming_the_home_city_as_well_keeps_the_answer(engine: Engine) -> None:
    response = engine.handle_text(Person(id="p"), "I moved from Berlin to Testburg, where do I register my address")
    assert response.answered and response.match.intent == "registration"


def test_declined_and_prefixed_names_are_recognised() -> None:
    places = PlaceFilter.from_names(["Jena"], ["Leipzig", "Лейпциг", "برلين", "München"])
    assert places.elsewhere_only("квартира в Лейпциге")
    assert places.elsewhere_only("مكتب الأجانب ببرلين")
    assert places.elsewhere_only("Ausländerbehörde Muenchen")
    assert not places.elsewhere_only("Ausländerbehörde Jena")
    assert not places.elsewhere_only("Berliner Straße in Jena")


@pytest.mark.parametrize("text", ["where do I register my address in Berlni", "как зарегистрировать адрес в Брелине"])
def test_a_misspelt_other_city_still_gets_no_answer_but_a_person(engine: Engine, text: str) -> None:
    response = engine.handle_text(Person(id="p"), text)
    assert not response.answered and response.match.intent is None
    assert any(b.action == ACTION_HANDOFF_YES for r in response.replies for row in r.buttons for b in row)


def test_one_slip_on_a_long_place_name_is_that_place_but_everyday_words_are_not() -> None:
    places = PlaceFilter.from_names(["Jena"], ["Dresden", "Лейпциг", "Halle", "Hamburg", "Kassel"])
    assert places.elsewhere_only("Ausländerbehörde Drresden Termin")  # a doubled letter
    assert places.elsewhere_only("Ausländerbehörde Dersden")  # two letters swapped
    assert places.elsewhere_only("квартира в Лейкциге")  # a neighbouring key, declined
    assert not places.elsewhere_only("Drresden or Jena, where is it cheaper")  # the home city too
    assert not places.elsewhere_only("Hallo, ich brauche Hilfe")  # short names: exact only
    assert not places.elsewhere_only("Dresdan", known=frozenset({"dresdan"}))  # a word the examples use
    assert not places.elsewhere_only("I would like a hamburger")  # two letters more is not a slip
    assert not places.elsewhere_only("Ausländerbehörde Presden")  # first letter wrong: not a slip
    assert not places.elsewhere_only("Wo ist die Kasse?")  # a name cut short is a word of its own
    assert places.elsewhere_only("Ausländerbehörde Dresdn")  # a letter dropped inside the name


def test_known_unknowns_are_out_of_scope_even_when_they_share_words(tmp_path) -> None:  # noqa: ANN001
    from bot.app_factory import build_matcher

    unknowns = """\
examples:
  en: [register my car, car registration plates, register a used car, my car needs number plates]
  de: [auto anmelden, kfz zulassung, gebrauchtwagen anmelden, nummernschild für mein auto]
"""
    kb = load_knowledge(write_kb(tmp_path, extra={"out_of_scope.yaml": unknowns}))
    engine = Engine(kb, build_matcher(kb))
    car = engine.handle_text(Person(id="p"), "wie kann ich mein Auto anmelden")
    assert car.match.intent is None and not car.answered
    flat = engine.handle_text(Person(id="p"), "wie kann ich meine Wohnung anmelden")
    assert flat.answered and flat.match.intent == "registration"
    assert all(c.intent != "-out-of-scope-" for c in car.match.alternatives)


def test_broken_scope_files_are_reported_with_file_and_line(tmp_path) -> None:  # noqa: ANN001
    from bot.scope import scope_problems

    root = write_kb(tmp_path, extra={"out_of_scope.yaml": "examples:\n  xx: [hello]\n  en: hello\n"})
    problems = [str(p) for p in scope_problems(root, ["en", "de", "ar", "uk"])]
    assert any("out_of_scope.yaml:2: unknown language 'xx'" in p for p in problems)
    assert any("out_of_scope.yaml:3:" in p and "must be a list" in p for p in problems)


def test_nationwide_answers_hold_for_other_cities_too(tmp_path) -> None:  # noqa: ANN001
    from bot.app_factory import build_matcher

    root = write_kb(tmp_path, extra={"places.yaml": PLACES})
    path = root / "intents/paperwork/registration.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("verified:", "nationwide: true\nverified:", 1), encoding="utf-8"
    )
    kb = load_knowledge(root)
    engine = Engine(kb, build_matcher(kb))
    response = engine.handle_text(Person(id="p"), "where do I register my address in Berlin")
    assert response.answered and response.match.intent == "registration"
