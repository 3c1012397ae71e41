"""The knowledge-base loader: curators' mistakes come back as file:line messages, never tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_kb import write_kb

from bot.kb import KnowledgeError, load_knowledge


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_sound_base_loads_with_offices_and_examples(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path))
    assert set(kb.intents) == {"registration", "welcome_office", "greeting", "human_handoff", "bot_help"}
    assert kb.offices["town_hall"].name("de") == "Rathaus"
    assert any(e.intent == "registration" and e.lang == "ar" for e in kb.examples())


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write_kb(tmp_path, extra={"intents/paperwork/broken.yaml": "id: broken\nanswers: [oops\nexamples: {}\n"})
    found = problems_of(tmp_path)
    assert any(p.startswith("intents/paperwork/broken.yaml:") or "broken.yaml:3: YAML syntax error" in p for p in found)
    assert any("broken.yaml:3:" in p and "YAML syntax error" in p for p in found)


def test_unknown_key_and_unknown_language_are_reported_at_their_lines(tmp_path: Path) -> None:
    root = write_kb(tmp_path)
    path = root / "intents/paperwork/registration.yaml"
    text = path.read_text(encoding="utf-8").replace("offices:", "colour: blue\noffices:", 1)
    text = text.replace("examples:\n", "examples:\n  xx:\n    - hello there\n", 1)
    path.write_text(text, encoding="utf-8")
    found = problems_of(root)
    assert any("registration.yaml:3: unknown key 'colour'" in p for p in found)
    assert any("registration.yaml" in p and "unknown language 'xx'" in p for p in found)


def test_missing_answer_in_a_required_language(tmp_path: Path) -> None:
    root = write_kb(tmp_path)
    path = root / "intents/community/welcome_office.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("  uk:")
    del lines[start : start + 3]  # the Ukrainian answer
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any("no answer in required language 'uk'" in p and "welcome_office.yaml:" in p for p in problems_of(root))


def test_duplicate_ids_dangling_buttons_and_shared_examples(tmp_path: Path) -> None:
    root = write_kb(tmp_path)
    original = (root / "intents/paperwork/registration.yaml").read_text(encoding="utf-8")
    (root / "intents/other").mkdir()
    (root / "intents/other/registration.yaml").write_text(original, encoding="utf-8")
    path = root / "intents/community/welcome_office.yaml"
    text = path.read_text(encoding="utf-8").replace("related: [registration]", "related: [registration, nowhere]")
    text = text.replace("- 'who helps newcomers'", "- 'who helps newcomers'\n    - 'register address'")
    path.write_text(text, encoding="utf-8")
    found = problems_of(root)
    assert any("duplicate intent id 'registration'" in p for p in found)
    assert any("welcome_office.yaml:4: related button to intent 'nowhere'" in p for p in found)
    assert any("example 'register address' is also listed under intent 'welcome_office'" in p for p in found)


def test_placeholder_to_a_missing_office_field(tmp_path: Path) -> None:
    root = write_kb(tmp_path)
    path = root / "intents/paperwork/registration.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{town_hall.name}", "{town_hall.phone}", 1), encoding="utf-8"
    )
    assert any("{town_hall.phone}" in p and "has no 'phone'" in p for p in problems_of(root))


def test_missing_settings_and_missing_folder(tmp_path: Path) -> None:
    assert any("settings.yaml is missing" in p for p in problems_of(tmp_path))
    assert any("not found" in p for p in problems_of(tmp_path / "nowhere"))


def test_bundled_knowledge_base_is_sound() -> None:
    kb = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
    assert len(kb.languages) == 10
    for intent in kb.intents.values():
        assert set(intent.answers) == set(kb.languages), intent.id


def test_bundled_knowledge_base_covers_the_contract() -> None:
    contract = Path(__file__).resolve().parents[2] / "shared" / "contract" / "intents.yaml"
    if not contract.is_file():
        pytest.skip("the shared contract is not beside this checkout")
    import yaml

    required = yaml.safe_load(contract.read_text(encoding="utf-8"))
    kb = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
    assert set(required["intents"]) <= set(kb.intents)
    assert set(required["required_languages"]) <= set(kb.languages)
