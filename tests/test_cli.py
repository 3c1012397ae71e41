"""The command line, exactly as INTERFACE.md promises it (shapes, exit statuses, no tracebacks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support_kb import write_kb

ROOT = Path(__file__).resolve().parent.parent


def welcomebot(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WELCOMEBOT_"))}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=300,
    )


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kb(tmp_path_factory.mktemp("kb"))


def test_ask_json_has_the_interface_shape(small_kb: Path) -> None:
    result = welcomebot("ask", "--json", "Where do I register my address?", env={"WELCOMEBOT_KNOWLEDGE": str(small_kb)})
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert set(obj) == {"intent", "score", "lang", "answer", "alternatives"}
    assert obj["intent"] == "registration" and obj["lang"] == "en" and isinstance(obj["score"], float)
    assert "Town Hall" in obj["answer"]
    assert all(set(a) == {"intent", "score"} for a in obj["alternatives"])


def test_match_batch_keeps_order_and_puts_unrelated_questions_out_of_scope(small_kb: Path) -> None:
    lines = [
        {"text": "where do I register my address"},
        {"text": "what is the capital of peru"},
        {"text": "як зареєструвати адресу", "lang": "uk"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nnot json\n"
    result = welcomebot("match", stdin=stdin, env={"WELCOMEBOT_KNOWLEDGE": str(small_kb)})
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["intent"] == "registration" and out[0]["lang"] == "en"
    assert out[1]["intent"] is None
    assert out[2] == {"intent": "registration", "score": out[2]["score"], "lang": "uk"}
    assert out[3]["intent"] is None and "error" in out[3]


def test_match_with_examples_and_calibration_file(tmp_path: Path) -> None:
    examples = tmp_path / "train.jsonl"
    rows = [("book a table for two", "restaurant"), ("reserve a table tonight", "restaurant"),
            ("table for four at eight", "restaurant"), ("what's the weather", "weather"),
            ("will it rain tomorrow", "weather"), ("is it sunny today", "weather")]
    examples.write_text("\n".join(json.dumps({"text": t, "intent": i, "lang": "en"}) for t, i in rows) + "\n")
    calibrate = tmp_path / "val.jsonl"
    val = [("can I reserve a table", "restaurant"), ("rain tomorrow?", "weather"), ("who won the football match", None),
           ("how do I change a tyre", None)]
    calibrate.write_text("\n".join(json.dumps({"text": t, "intent": i}) for t, i in val) + "\n")
    result = welcomebot("match", "--examples", str(examples), "--calibrate", str(calibrate),
                        stdin='{"text": "reserve a table for six"}\n{"text": "will it rain tomorrow morning"}\n')
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["intent"] for o in out] == ["restaurant", "weather"]


def test_kb_check_passes_on_the_bundled_base() -> None:
    result = welcomebot("kb", "check", "--no-confusion")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "knowledge base OK" in result.stderr


def test_kb_check_reports_collisions_as_warnings(small_kb: Path) -> None:
    result = welcomebot("kb", "check", str(small_kb))
    assert result.returncode == 0
    assert "Traceback" not in result.stderr


def test_broken_yaml_gives_file_and_line_and_no_traceback(small_kb: Path, tmp_path: Path) -> None:
    broken = write_kb(tmp_path / "kb", extra={"intents/paperwork/broken.yaml": "id: broken\nanswers: [oops\n"})
    check = welcomebot("kb", "check", str(broken))
    assert check.returncode == 1
    assert "broken.yaml:3: YAML syntax error" in check.stdout + check.stderr
    ask = welcomebot("ask", "hello", env={"WELCOMEBOT_KNOWLEDGE": str(broken)})
    assert ask.returncode != 0 and "broken.yaml:3:" in ask.stderr and "Traceback" not in ask.stderr


def test_kb_stats_json_shape(small_kb: Path) -> None:
    result = welcomebot("kb", "stats", "--json", str(small_kb))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["languages"] == ["en", "de", "ar", "uk"]
    entry = data["intents"]["registration"]
    assert entry["answers"] == ["en", "de", "ar", "uk"]
    assert entry["examples"]["de"] == 4 and entry["sources"] == 1 and entry["reviewed"] == ["en"]


def test_run_without_token_exits_2_with_one_line() -> None:
    result = welcomebot("run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0] and "welcomebot chat" in lines[0]


def test_chat_with_piped_input_answers_and_exits_0() -> None:
    result = welcomebot("chat", stdin="Hallo\nWo ist das Welcome Center?\n")
    assert result.returncode == 0, result.stderr
    assert "Teichgraben 5" in result.stdout


def test_chat_buttons_are_numbered_choices(small_kb: Path) -> None:
    result = welcomebot("chat", "--lang", "de", stdin="/language\n2\nwhere do I register my address\n",
                        env={"WELCOMEBOT_KNOWLEDGE": str(small_kb)})
    assert result.returncode == 0, result.stderr
    assert "[1] English" in result.stdout and "[2] Deutsch" in result.stdout
    assert "Town Hall" in result.stdout
