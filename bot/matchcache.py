"""A built matcher kept on disk, so that a restart answers within a second or two.

Building the matcher from thousands of example phrases takes seconds; loading the built one takes
milliseconds. The file's name carries a digest of the examples and of the matching code, so a
changed knowledge base or a new version of the matcher is built afresh, never loaded stale.
The cache lives in the bot's own data folder; nothing else writes there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import bot.matching
from bot.matching import Example, Matcher

__all__ = ["cached_build"]

log = logging.getLogger(__name__)

_PREFIX = "matcher-"
_SUFFIX = ".pickle"


def _digest(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(bot.matching.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    textnorm = Path(bot.matching.__file__).parent.parent / "textnorm.py"
    if textnorm.is_file():
        digest.update(textnorm.read_bytes())
    digest.update(json.dumps([(e.text, e.intent, e.lang) for e in examples], ensure_ascii=False).encode())
    return digest.hexdigest()[:24]


def cached_build(
    examples: Sequence[Example],
    *,
    cache_dir: Path | None,
    build: Callable[[Sequence[Example]], Matcher] = Matcher.build,
) -> Matcher:
    """The matcher for ``examples``: from ``cache_dir`` when built before, else built and stored there."""
    if cache_dir is None:
        return build(examples)
    path = cache_dir / f"{_PREFIX}{_digest(examples)}{_SUFFIX}"
    try:
        with path.open("rb") as handle:
            matcher = pickle.load(handle)  # noqa: S301 - our own file in our own data folder
        if isinstance(matcher, Matcher):
            return matcher
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        log.warning("matcher cache %s unreadable (%s); rebuilding", path.name, exc.__class__.__name__)
    matcher = build(examples)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".tmp-", delete=False) as handle:
            pickle.dump(matcher, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        for old in cache_dir.glob(f"{_PREFIX}*{_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not store the matcher cache in %s: %s", cache_dir, exc.strerror)
    return matcher
