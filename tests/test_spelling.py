"""Typos: a question typed fast on a phone still finds its topic; real words are not "corrected"."""

import pytest

from bot.matching import Example, Matcher
from bot.matching.spelling import Speller

EXAMPLES = {
    "registration": [
        "where do I register my address", "how do I register my new flat", "address registration in the city",
        "wo melde ich meine wohnung an", "anmeldung der wohnung", "де зареєструвати адресу",
    ],
    "greeting": ["hello", "hi there", "good morning", "hallo", "привіт", "добрий день"],
    "bread": ["where can I buy fresh bread", "bakery with good bread", "bread rolls on sunday"],
    "weather": ["will it rain tomorrow", "is it going to rain", "rain forecast for the weekend"],
}


@pytest.fixture(scope="module")
def matcher():
    return Matcher.build(
        [Example(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts], threshold=0.45
    )


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("wheer do i regsiter my adress", "registration"),  # swapped, doubled and dropped letters
        ("how do i rwgister my new falt", "registration"),  # a neighbouring key, a swap
        ("wo mlede ich meine wohnnug an", "registration"),  # German, two swaps
        ("пирвіт", "greeting"),  # Ukrainian, a swap in a short word
        ("де зареєструвтаи адресу", "registration"),
    ],
)
def test_misspelt_question_finds_its_topic(matcher, question, intent):
    assert matcher.match(question).intent == intent


def test_batch_and_single_questions_are_corrected_alike(matcher):
    questions = ["wheer do i regsiter my adress", "пирвіт", "what is the capital of peru"]
    assert [r.intent for r in matcher.match_many(questions)] == [matcher.match(q).intent for q in questions]


def test_question_about_something_else_stays_out_of_scope(matcher):
    assert matcher.match("which dog breed is best for a small flat").intent is None


def test_real_words_are_not_turned_into_other_words():
    speller = Speller.fit(["where can i buy fresh bread", "will it rain tomorrow", "register my address"])
    # "breed" is not a slip of "bread" (e and a are not neighbouring keys); "drain" does not start like "rain"
    assert speller.correct("dog breed") == "dog breed"
    assert speller.correct("the drain is blocked") == "the drain is blocked"
    # a slip of a known word is corrected: a swap, a neighbouring key, a dropped letter
    assert speller.correct("regsiter my adress") == "register my address"
    assert speller.correct("rwgister") == "register"
    assert speller.correct("hwere can i buy") == "where can i buy"  # the first two letters swapped


def test_known_short_and_numeric_words_are_left_alone():
    speller = Speller.fit(["semester ticket 2026", "bus"])
    # words under four letters are never corrections: "bus" lies one edit from too many words
    assert speller.correct("buss tickte 2025") == "buss ticket 2025"


def test_a_three_letter_word_is_corrected_only_for_swapped_letters():
    speller = Speller.fit(["where is the bus stop", "ich brauche hilfe"])
    assert speller.correct("where is teh bsu stop") == "where is the bus stop"
    assert speller.correct("ihc brauche hilfe") == "ich brauche hilfe"
    # any other slip in a short word is left alone: too many short words lie one edit apart
    assert speller.correct("where is tge bis stop") == "where is tge bis stop"


def test_calibration_sees_misspelt_questions_as_they_will_be_answered():
    # as typed, these score about as low as the out-of-scope questions; corrected, well above them
    labelled = [
        ("rian tomorow", "weather"),
        ("frsh braed", "bread"),
        ("regsiter adress", "registration"),
        ("adress regsitration", "registration"),
        ("пирвіт", "greeting"),
        ("fresh fish market", None),
        ("new flat bread", None),
        ("rain jacket shop", None),
        ("address of the cinema", None),
        ("good night", None),
        ("recommend a good movie", None),
        ("register a car", None),  # scores above the misspelt questions as typed, below them corrected
    ]
    matcher = Matcher.build([Example(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts])
    matcher.calibrate(labelled)
    assert [matcher.match(text).intent for text, _ in labelled] == [label for _, label in labelled]
