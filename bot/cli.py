"""The ``welcomebot`` command line (INTERFACE.md): parses arguments and hands over to an adapter.

No logic of its own beyond turning problems into one clear line and an exit status: a curator's
broken YAML gets ``file:line`` messages and status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot import __version__
from bot.settings import Settings

__all__ = ["EXIT_CONFIG", "EXIT_INVALID_KB", "main"]

#: The knowledge base has problems (``kb check`` lists them).
EXIT_INVALID_KB = 1
#: The configuration is incomplete (a missing token, a malformed variable) or the call is wrong.
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="welcomebot",
        description="A multilingual assistant for newcomers, answering from a curated knowledge base.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")

    chat = commands.add_parser("chat", help="the same conversation in the terminal, no token needed")
    chat.add_argument("--lang", metavar="CODE", help="answer in this language unless you write in another")

    ask = commands.add_parser("ask", help="one question, one answer")
    ask.add_argument("--lang", metavar="CODE", help="the asker's chosen language")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("text", nargs="+", help="the question")

    match = commands.add_parser("match", help="batch matching of JSON lines from stdin")
    match.add_argument("--examples", type=Path, metavar="FILE", help="build the matcher from these examples")
    match.add_argument("--calibrate", type=Path, metavar="FILE", help="choose the out-of-scope cut-off on this file")
    match.add_argument("--lang", metavar="CODE", help="language hint for lines without one")

    kb = commands.add_parser("kb", help="knowledge base tools for curators")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND")
    kb_commands.required = True
    check = kb_commands.add_parser("check", help="validate the knowledge base")
    check.add_argument("dir", nargs="?", type=Path, help="knowledge base folder (default: WELCOMEBOT_KNOWLEDGE)")
    check.add_argument("--no-confusion", action="store_true", help="skip the example-collision report (faster)")
    stats = kb_commands.add_parser("stats", help="coverage per language, reviews, review dates")
    stats.add_argument("dir", nargs="?", type=Path, help="knowledge base folder (default: WELCOMEBOT_KNOWLEDGE)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    gaps = kb_commands.add_parser("gaps", help="the most frequent questions the bot could not answer")
    gaps.add_argument("--limit", type=int, default=30, help="how many (default 30)")
    gaps.add_argument("--json", action="store_true", help="print JSON")

    events = commands.add_parser("events", help="upcoming events")
    events.add_argument("--lang", metavar="CODE", default=None, help="language of titles and dates")
    events.add_argument("--days", type=int, default=60, metavar="N", help="how many days ahead (default 60)")
    events.add_argument("--json", action="store_true", help="print a JSON list")
    events.add_argument("--ics", action="store_true", help="print an iCalendar file")
    return parser


def _fail(message: str, status: int) -> int:
    print(f"welcomebot: {message}", file=sys.stderr)
    return status


def _load_kb(path: Path):  # noqa: ANN202
    from bot.kb import load_knowledge

    return load_knowledge(path)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        return _fail(
            "TELEGRAM_BOT_TOKEN is not set; set it to run the Telegram bot, "
            "or try `welcomebot chat`, which needs no token.",
            EXIT_CONFIG,
        )
    from bot.telegram.app import run

    return run(settings)


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.terminal import chat
    from bot.app_factory import build_engine

    return chat(build_engine(settings), lang=args.lang)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.batch import ask
    from bot.app_factory import build_engine

    return ask(build_engine(settings), " ".join(args.text), lang=args.lang, as_json=args.json, out=sys.stdout)


def _cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.batch import match, read_examples, read_labelled
    from bot.languages import LanguageDetector
    from bot.matching import Matcher

    if args.examples:
        examples = read_examples(args.examples)
        if not examples:
            return _fail(f"{args.examples}: no examples with an intent", EXIT_CONFIG)
        matcher = Matcher.build(examples)
        languages = sorted({e.lang for e in examples if e.lang})
        default = languages[0] if len(languages) == 1 else "en"
    else:
        kb = _load_kb(settings.knowledge_dir)
        from bot.app_factory import build_matcher, cache_dir

        matcher = build_matcher(kb, cache_dir=cache_dir(settings))
        languages = list(kb.languages)
        default = kb.settings.source_language
    if args.calibrate:
        matcher.calibrate(read_labelled(args.calibrate))
    samples = [(e.text, e.lang) for e in examples] if args.examples else [(e.text, e.lang) for e in kb.examples()]
    detector = LanguageDetector(languages, samples=samples) if len(languages) > 1 else None
    return match(matcher, detector=detector, default_lang=args.lang, default=default, stdin=sys.stdin, out=sys.stdout)


def _cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.batch import kb_check, kb_stats

    if args.kb_command == "gaps":
        return _cmd_kb_gaps(args, settings)
    kb = _load_kb(args.dir or settings.knowledge_dir)
    if args.kb_command == "check":
        return kb_check(kb, with_confusion=not args.no_confusion, out=sys.stdout)
    return kb_stats(kb, as_json=args.json, out=sys.stdout)


def _cmd_kb_gaps(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.gaps import run as gaps  # type: ignore[import-not-found]

    return gaps(args, settings)


def _cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    from bot.events.cli import run as events  # type: ignore[import-not-found]

    return events(args, settings)


_COMMANDS = {
    "run": _cmd_run,
    "chat": _cmd_chat,
    "ask": _cmd_ask,
    "match": _cmd_match,
    "kb": _cmd_kb,
    "events": _cmd_events,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``welcomebot`` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The token is part of every Bot API URL: the HTTP client must never log requests.
    for noisy in ("httpx", "httpcore", "telegram.request", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        return _fail(f"invalid environment: {exc}", EXIT_CONFIG)
    from bot.kb import KnowledgeError

    try:
        return _COMMANDS[args.command](args, settings)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"welcomebot: the knowledge base has {len(exc.problems)} problem(s); nothing was started.", file=sys.stderr
        )
        return EXIT_INVALID_KB
    except (OSError, ValueError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
