"""The conversation engine, in several languages including a right-to-left one."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_kb import write_kb

from bot.engine import ACTION_HANDOFF_YES, Engine, Person
from bot.engine.render import MESSAGE_LIMIT
from bot.kb import load_knowledge
from bot.matching import Matcher

RLM = "\u200f"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    kb = load_knowledge(write_kb(tmp_path_factory.mktemp("kb")))
    return Engine(kb, Matcher.build(kb.examples()))


def actions(response) -> list[str]:  # noqa: ANN001
    return [b.action or b.url for reply in response.replies for row in reply.buttons for b in row]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Where do I register my address?", "en", "Town Hall"),
        ("Wo melde ich meine Wohnung an?", "de", "Rathaus"),
        ("كيف أسجل عنواني في المدينة", "ar", "Town Hall"),
        ("Як зареєструвати адресу?", "uk", "Town Hall"),
    ],
)
def test_answers_in_the_writers_language_with_office_details(
    engine: Engine, text: str, lang: str, expected: str
) -> None:
    response = engine.handle_text(Person(id="p"), text)
    assert response.answered and response.lang == lang
    assert response.match.intent == "registration"
    reply = response.replies[0]
    assert expected in reply.text and "Markt 2" in reply.text  # placeholder filled and office card appended
    assert "i:welcome_office" in actions(response)  # follow-up topic
    assert "https://example.org/appointments" in actions(response)
    assert ACTION_HANDOFF_YES in actions(response)  # a person is always one tap away


def test_arabic_answers_read_right_to_left(engine: Engine) -> None:
    reply = engine.handle_text(Person(id="p"), "كيف أسجل عنواني").replies[0]
    lines = [line for line in reply.text.split("\n") if line]
    assert all(line.startswith(RLM) for line in lines)


def test_out_of_scope_is_honest_and_offers_a_person(engine: Engine) -> None:
    for text, lang in [("what is the capital of peru", "en"), ("Wie wird das Wetter morgen in Paris?", "de")]:
        response = engine.handle_text(Person(id="p"), text)
        assert not response.answered and response.match.intent is None
        assert response.lang == lang and response.question == text
        assert ACTION_HANDOFF_YES in actions(response)


def test_accepting_the_offer_asks_for_a_handoff_with_the_question(engine: Engine) -> None:
    person = Person(id="p", last_lang="uk", last_question="Де купити квиток на поїзд?")
    response = engine.handle_action(person, ACTION_HANDOFF_YES)
    assert response.handoff is not None
    assert response.handoff.question == "Де купити квиток на поїзд?" and response.handoff.lang == "uk"


def test_asking_for_a_human_by_text(engine: Engine) -> None:
    response = engine.handle_text(Person(id="p"), "Ich möchte mit einem Menschen sprechen")
    assert response.handoff is not None and response.lang == "de"


def test_language_change_by_button_is_remembered_and_confirmed(engine: Engine) -> None:
    picker = engine.language_picker(Person(id="p"))
    assert "l:ar" in actions(picker) and any(
        "العربية" in b.label for r in picker.replies for row in r.buttons for b in row
    )
    response = engine.handle_action(Person(id="p"), "l:ar")
    assert response.chosen_lang == "ar" and response.lang == "ar"
    assert "العربية" in response.replies[0].text


def test_chosen_language_is_used_when_the_text_does_not_show_one(engine: Engine) -> None:
    response = engine.handle_text(Person(id="p", chosen_lang="uk"), "anmeldung")
    assert response.lang == "uk" and response.match.intent == "registration"


def test_forged_and_stale_buttons_get_a_polite_answer(engine: Engine) -> None:
    for data in ["i:no_such_topic", "l:xx", "garbage", "", "x" * 200]:
        response = engine.handle_action(Person(id="p", last_lang="de"), data)
        assert response.replies and response.replies[0].text and response.handoff is None


def test_deep_link_opens_the_topic(engine: Engine) -> None:
    response = engine.start(Person(id="p", app_lang="de"), "registration")
    assert response.lang == "de" and "Rathaus" in response.replies[0].text


def test_start_without_payload_greets_and_offers_languages(engine: Engine) -> None:
    response = engine.start(Person(id="p", app_lang="uk"), None)
    assert response.lang == "uk"
    assert any(a.startswith("l:") for a in actions(response))


def test_did_you_mean_when_two_topics_are_equally_likely() -> None:
    from bot.matching import Candidate, MatchResult

    class Tied:
        threshold = 0.3

        def match(self, text: str, *, lang: str | None = None) -> MatchResult:
            return MatchResult("registration", 0.61, (Candidate("welcome_office", 0.60),), "en")

    kb = load_knowledge(write_kb(Path(__import__("tempfile").mkdtemp())))
    response = Engine(kb, Tied()).handle_text(Person(id="p"), "office registration help")
    assert not response.answered
    assert {"i:registration", "i:welcome_office"} <= set(actions(response))


def test_a_question_just_under_the_cut_off_is_offered_its_best_guess(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path))
    cautious = Engine(kb, Matcher.build(kb.examples(), threshold=0.7))  # "address" scores about 0.6
    response = cautious.handle_text(Person(id="p"), "address")
    assert not response.answered
    assert {"i:registration", ACTION_HANDOFF_YES} <= set(actions(response))


def test_every_reply_fits_a_telegram_message(engine: Engine) -> None:
    long_text = ("Where do I register my address? " * 200)[:4090]
    for response in (
        engine.handle_text(Person(id="p"), long_text),
        engine.handle_text(Person(id="p"), "🙂🙂🙂"),
        engine.not_text(Person(id="p", last_lang="fa")),
        engine.help(Person(id="p")),
    ):
        for reply in response.replies:
            assert 0 < len(reply.text) <= MESSAGE_LIMIT
            for row in reply.buttons:
                for button in row:
                    assert button.url or len((button.action or "").encode()) <= 64


def test_staff_answer_in_the_persons_language(engine: Engine) -> None:
    reply = engine.answer("registration", "ar")
    assert reply is not None and "سجّل" in reply.text
    assert engine.answer("no_such_topic", "ar") is None


def test_typed_request_for_a_person_carries_the_earlier_question(engine: Engine) -> None:
    person = Person(id="p", last_question="Wie lange dauert die Einbürgerung?")
    response = engine.handle_text(person, "Ich möchte mit einem Menschen sprechen")
    assert response.handoff is not None and response.handoff.question == "Wie lange dauert die Einbürgerung?"
