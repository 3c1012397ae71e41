"""Matching: what a person types finds the right topic, or honestly none."""

import pytest

from bot.matching import AMBIGUITY_MARGIN, Candidate, Example, Matcher, MatchResult

EXAMPLES = {
    "registration": {
        "en": ["where do I register my address", "how do I register my flat", "address registration"],
        "de": ["wo melde ich meine wohnung an", "anmeldung wohnung", "wohnsitz anmelden"],
        "ar": ["أين أسجل عنواني", "تسجيل السكن", "كيف أسجل عنوان الشقة"],
        "zh": ["在哪里登记住址", "怎么办理住址登记", "住址登记"],
    },
    "citizens_office": {
        "en": ["citizens office opening hours", "appointment at the citizens office"],
        "de": ["Bürgerservice Öffnungszeiten", "Termin beim Bürgerservice", "bürgerservice wo"],
        "ar": ["مواعيد مكتب خدمة المواطنين", "حجز موعد في مكتب المواطنين"],
        "zh": ["市民服务办公室开放时间", "预约市民服务"],
    },
    "semester_ticket": {
        "en": ["how much is the semester ticket", "semester ticket bus and train", "student ticket price"],
        "de": ["was kostet das semesterticket", "semesterticket bus bahn"],
        "ar": ["كم سعر تذكرة الفصل الدراسي", "تذكرة الطلاب للحافلة"],
        "zh": ["学期票多少钱", "学生乘车票"],
    },
    "health_insurance": {
        "en": ["do I need health insurance", "which health insurance should I choose"],
        "de": ["krankenversicherung pflicht", "welche krankenkasse"],
        "ar": ["هل أحتاج إلى تأمين صحي", "التأمين الصحي إلزامي"],
        "zh": ["需要医疗保险吗", "怎么选择医疗保险"],
    },
}


def _examples():
    return [
        Example(text=text, intent=intent, lang=lang)
        for intent, by_lang in EXAMPLES.items()
        for lang, texts in by_lang.items()
        for text in texts
    ]


@pytest.fixture(scope="module")
def matcher():
    return Matcher.build(_examples())


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("wher do i registr my adress", "registration"),  # typos
        ("Buergerservice Oeffnungszeiten", "citizens_office"),  # umlauts transcribed
        ("burgerservice termin", "citizens_office"),  # umlauts dropped
        ("اين اسجل عنواني", "registration"),  # Arabic without hamza
        ("كم سعر تذكرة الطلاب؟", "semester_ticket"),
        ("我要登记住址", "registration"),  # Chinese, no spaces
        ("学期票要多少钱", "semester_ticket"),
        ("Do I need a health insurance?", "health_insurance"),
    ],
)
def test_questions_find_their_topic(matcher, question, intent):
    result = matcher.match(question)
    assert result.intent == intent
    assert 0.0 <= result.score <= 1.0


def test_result_names_language_of_the_nearest_example(matcher):
    assert matcher.match("anmeldung der wohnung").lang == "de"
    assert matcher.match("住址登记在哪里").lang == "zh"


def test_alternatives_are_other_intents_best_first(matcher):
    result = matcher.match("where do I register my address")
    intents = [c.intent for c in result.alternatives]
    assert result.intent not in intents
    assert len(set(intents)) == len(intents)
    scores = [c.score for c in result.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(s <= result.score for s in scores)


def test_unrelated_question_is_out_of_scope_by_default(matcher):
    for question in ("what is the capital of australia", "qwertz asdf"):
        result = matcher.match(question)
        assert result.intent is None
        assert result.score < matcher.threshold


def test_empty_question_is_out_of_scope(matcher):
    assert matcher.match("?!").intent is None


def test_explicit_threshold_is_used():
    strict = Matcher.build(_examples(), threshold=0.99)
    assert strict.threshold == 0.99
    assert strict.match("how much is the semester ticket").intent is None


def test_calibrate_separates_known_from_unknown_questions():
    matcher = Matcher.build(_examples(), threshold=0.0)
    labelled = [
        ("register my new address", "registration"),
        ("anmeldung meiner wohnung", "registration"),
        ("bürgerservice termin buchen", "citizens_office"),
        ("semester ticket price", "semester_ticket"),
        ("krankenversicherung", "health_insurance"),
        ("how do I convert my driving licence", None),
        ("best pizza in town", None),
        ("weather tomorrow", None),
    ]
    threshold = matcher.calibrate(labelled)
    assert matcher.threshold == threshold
    assert 0.0 < threshold < 1.0
    for text, intent in labelled:
        assert matcher.match(text).intent == intent


def test_single_intent_knowledge_base_still_matches():
    matcher = Matcher.build([Example("semester ticket price", "ticket"), Example("bus ticket", "ticket")])
    assert matcher.match("ticket price").intent == "ticket"


def test_duplicate_examples_do_not_change_the_answer():
    doubled = Matcher.build(_examples() + _examples())
    assert doubled.match("wo melde ich meine wohnung an").intent == "registration"


def test_no_examples_is_an_error():
    with pytest.raises(ValueError):
        Matcher.build([])


def test_close_runner_up_is_ambiguous_and_clear_winner_is_not():
    close = MatchResult(
        intent="a", score=0.70, alternatives=(Candidate("b", 0.70 - AMBIGUITY_MARGIN / 2),)
    )
    clear = MatchResult(intent="a", score=0.90, alternatives=(Candidate("b", 0.30),))
    assert close.ambiguous
    assert not clear.ambiguous
    assert not MatchResult(intent=None, score=0.2).ambiguous


def test_question_between_two_topics_is_ambiguous():
    matcher = Matcher.build(
        [
            Example("opening hours of the library", "library"),
            Example("library card", "library"),
            Example("opening hours of the museum", "museum"),
            Example("museum tickets", "museum"),
        ],
        threshold=0.0,
    )
    assert matcher.match("opening hours").ambiguous
    assert not matcher.match("library card").ambiguous


def test_calibrating_without_out_of_scope_questions_answers_everything():
    matcher = Matcher.build(_examples())
    matcher.calibrate([("register my new address", "registration"), ("semester ticket price", "semester_ticket")])
    assert matcher.threshold == 0.0
    assert matcher.match("qwertz asdf").intent is not None  # nothing is out of scope for this data


def test_calibrating_on_the_examples_themselves_keeps_unseen_wordings_answered():
    matcher = Matcher.build(_examples())
    own = [(e.text, e.intent) for e in _examples()]
    matcher.calibrate([*own, ("best pizza in town", None), ("weather tomorrow", None)])
    assert matcher.match("wher do i registr my adress").intent == "registration"
    assert matcher.match("best pizza in town").intent is None


def test_batch_and_single_matching_agree():
    matcher = Matcher.build(_examples())
    questions = ["wo melde ich meine wohnung an", "学期票要多少钱", "qwertz asdf", "?!"]
    together = matcher.match_many(questions)
    alone = [matcher.match(q) for q in questions]
    assert [r.intent for r in together] == [r.intent for r in alone]
    assert [r.lang for r in together] == [r.lang for r in alone]
    assert [r.score for r in together] == pytest.approx([r.score for r in alone], abs=1e-4)


def test_stored_matcher_answers_like_the_built_one(tmp_path):
    import pickle

    matcher = Matcher.build(_examples())
    path = tmp_path / "matcher.pickle"
    path.write_bytes(pickle.dumps(matcher))
    loaded = pickle.loads(path.read_bytes())  # noqa: S301 - our own file
    assert loaded.match("Buergerservice Oeffnungszeiten") == matcher.match("Buergerservice Oeffnungszeiten")


def test_matcher_built_in_a_child_process_answers_the_same():
    alone = Matcher.build_isolated(_examples())
    here = Matcher.build(_examples())
    for question in ("wo melde ich meine wohnung an", "学期票要多少钱", "qwertz asdf"):
        assert alone.match(question) == here.match(question)


def _many_examples(*, intents: int = 30, per_intent: int = 200) -> list[Example]:
    """A knowledge base large enough to be trained in several groups, with overlapping wordings."""
    import random

    rng = random.Random(7)
    shared = [f"common{i}" for i in range(30)]
    examples = []
    for intent in range(intents):
        own = [f"topic{intent}word{i}" for i in range(8)]
        for _ in range(per_intent):
            stray = f"topic{rng.randrange(intents)}word{rng.randrange(8)}"  # a word of some other topic
            words = [*rng.sample(own, 2), *rng.sample(shared, 3), stray]
            rng.shuffle(words)
            examples.append(Example(text=" ".join(words), intent=f"intent{intent}", lang="en"))
    return examples


def test_same_knowledge_base_gives_the_same_answers_every_build(monkeypatch):
    """Staff reviewing a knowledge base change must see only the change's effect, not noise: two
    builds from the same examples score every question identically, also when intents are
    trained in parallel groups against a sample of the others."""
    from bot.matching import classifier

    monkeypatch.setattr(classifier, "GROUP_EXAMPLES", 1500)
    monkeypatch.setattr(classifier, "REST_SAMPLE", 3000)
    monkeypatch.setattr(classifier, "PARALLEL_MIN_EXAMPLES", 0)
    examples = _many_examples()
    questions = [f"topic{i % 30}word{i % 8} common{i % 30} topic{(i * 7) % 30}word{i % 7}" for i in range(60)]
    questions += ["where do I register", "qwertz asdf"]
    first = Matcher.build(examples).match_many(questions)
    second = Matcher.build(examples).match_many(questions)
    assert first == second  # exact: intents, scores and alternatives


def test_small_knowledge_base_gives_the_same_answers_every_build():
    questions = ["wo melde ich meine wohnung an", "学期票要多少钱", "qwertz asdf", "krankenkasse"]
    assert Matcher.build(_examples()).match_many(questions) == Matcher.build(_examples()).match_many(questions)
