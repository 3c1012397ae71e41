"""Questions about other cities' offices are out of scope, questions about the city itself are not."""

from __future__ import annotations

from pathlib import Path

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
    ["where do I register my address in Berlin", "Wo melde ich meine Wohnung in Berlin an?",
     "как зарегистрировать адрес в Берлине", "كيف أسجل عنواني في برلين"],
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
