"""The bot's own knowledge base on questions typed fast: the dev and held-out questions with typos.

Newcomers type on phones, in a hurry: letters dropped, doubled, swapped with the next one, or hit
beside the right key. Each question gets about one such slip per twelve characters (at least one),
drawn with a fixed seed, so every run and every matcher sees the same misspelt questions. Accuracy
counts out of scope as its own class (an out-of-scope question stays out of scope when misspelt).
`python -m bench.typos` prints the table per language beside the accuracy on the clean questions.
"""

from __future__ import annotations

import random
import sys

from bench.common import Row, pct
from bench.jena import evaluate, question_sets

__all__ = ["misspell", "run"]

#: One slip per this many characters, at least one per question.
CHARS_PER_SLIP = 12
SEED = 20261128
#: Neighbours on a QWERTY keyboard, for Latin letters hit beside the right key; other scripts get a
#: letter of the same word instead (a layout-free stand-in for the neighbouring key).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
def _neighbours() -> dict[str, str]:
    """Each Latin letter's neighbouring keys (same row and the rows above and below)."""
    out = {}
    for row, keys in enumerate(_ROWS):
        for col, char in enumerate(keys):
            near = []
            for other in range(max(0, row - 1), min(len(_ROWS), row + 2)):
                near.extend(k for c, k in enumerate(_ROWS[other]) if abs(c - col) <= 1 and k != char)
            out[char] = "".join(near)
    return out


_NEIGHBOURS = _neighbours()


def misspell(text: str, rng: random.Random) -> str:
    """`text` with one slip per CHARS_PER_SLIP characters: drop, double, swap or a neighbouring key."""
    chars = list(text)
    for _ in range(max(1, len(text) // CHARS_PER_SLIP)):
        letters = [i for i, c in enumerate(chars) if c.isalpha()]
        if not letters:
            break
        i = rng.choice(letters)
        kind = rng.choice(("drop", "double", "swap", "key"))
        if kind == "drop" and len(letters) > 2:
            del chars[i]
        elif kind == "double":
            chars.insert(i, chars[i])
        elif kind == "swap" and i + 1 < len(chars) and chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            lower = chars[i].lower()
            if lower in _NEIGHBOURS:
                chars[i] = rng.choice(_NEIGHBOURS[lower])
            else:
                word = [c for c in chars if c.isalpha() and c != chars[i]]
                if word:
                    chars[i] = rng.choice(word)
    return "".join(chars)


def _questions() -> list[dict]:
    """The dev and held-out questions together."""
    return [question for _, questions in question_sets() for question in questions]


def _accuracy(questions: list[dict]) -> tuple[float, dict[str, float]]:
    overall, per_lang, _misses, _peak = evaluate(questions)
    return overall, per_lang


def _misspelt(questions: list[dict]) -> list[dict]:
    rng = random.Random(SEED)
    return [{**q, "text": misspell(q["text"], rng)} for q in questions]


def run() -> list[Row]:
    questions = _questions()
    clean, _ = _accuracy(questions)
    typed, _ = _accuracy(_misspelt(questions))
    return [
        Row(
            dataset=f"jena dev + held-out with typos ({len(questions)} q.)",
            metric="accuracy % (oos as class)",
            ours=f"{pct(typed)} (clean {pct(clean)})",
            published="as close to clean as possible",
        )
    ]


def main(argv: list[str]) -> int:
    questions = _questions()
    for name, batch in (("clean", questions), ("with typos", _misspelt(questions))):
        overall, per_lang = _accuracy(batch)
        print(f"{name}: {len(batch)} questions, {100 * overall:.1f}% right")
        print("| " + " | ".join(["lang", *per_lang]) + " |")
        print("|" + "---|" * (len(per_lang) + 1))
        print("| % | " + " | ".join(f"{100 * acc:.1f}" for acc in per_lang.values()) + " |")
    if "-v" in argv:
        rng = random.Random(SEED)
        for q in questions[:20]:
            print(q["text"], "->", misspell(q["text"], rng))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
