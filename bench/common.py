"""What every benchmark script shares: finding the data, running `welcomebot match`, timing.

Accuracy is measured through the command line people use (`welcomebot match --examples FILE
[--calibrate FILE]`, see INTERFACE.md): a fresh process per run, its wall time and peak memory
(the child's own maximum resident set, from `os.wait4`) go into the table. The per-question latency
is measured in-process with single `Matcher.match` calls, one question at a time, as the bot calls it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "REPO_ROOT",
    "CliRun",
    "Latency",
    "Row",
    "data_dir",
    "latency",
    "load",
    "run_cli",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Environment variable that points at the benchmark data when it is not at ../shared/bench.
DATA_ENV = "WELCOMEBOT_BENCH_DATA"
#: How many questions the latency measurement times, one `match` call each.
LATENCY_SAMPLE = 2000


def data_dir() -> Path:
    """The shared benchmark data: $WELCOMEBOT_BENCH_DATA, else ../shared/bench beside the repo."""
    configured = os.environ.get(DATA_ENV)
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "bench"
    if not path.is_dir():
        raise SystemExit(f"benchmark data not found at {path} (set {DATA_ENV})")
    return path


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass(frozen=True)
class CliRun:
    """One `welcomebot match` process: its answers, wall time and peak memory."""

    predictions: list[dict]
    seconds: float
    peak_mb: float
    tree_mb: float


def _cli_command() -> list[str]:
    script = Path(sys.executable).with_name("welcomebot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def run_cli(
    examples: Path | None, questions: Sequence[dict], *, calibrate: Path | None = None, tree: bool = True
) -> CliRun:
    """Match `questions` with a matcher built from `examples` in a fresh `welcomebot match`
    (None: the bot's own knowledge base, as the bot runs it). `tree=False` skips the process
    tree's memory (`tree_mb` stays 0): sampling it walks /proc and every child's page tables twenty
    times a second, which takes a core's worth of time from a timed run on two cores."""
    command = [*_cli_command(), "match"]
    if examples is not None:
        command += ["--examples", str(examples)]
    if calibrate is not None:
        command += ["--calibrate", str(calibrate)]
    stdin = "".join(
        json.dumps({"text": q["text"], "lang": q.get("lang")}, ensure_ascii=False) + "\n"
        for q in questions
    ).encode("utf-8")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = _PeakWatcher(process.pid, tree=tree)
    out, err = _communicate(process, stdin)
    peak.stop()
    _, status, _usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {err.decode(errors='replace')[-2000:]}")
    predictions = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]
    if len(predictions) != len(questions):
        raise RuntimeError(f"{len(questions)} questions in, {len(predictions)} answers out")
    return CliRun(predictions=predictions, seconds=seconds, peak_mb=peak.peak_mb, tree_mb=peak.tree_mb)


class _PeakWatcher:
    """Samples the child's VmHWM (its own high-water mark since exec) until it finishes.

    `ru_maxrss` from wait4 is no good here: Linux carries the forked parent's high-water mark
    across exec, so every child would report the benchmark process's own size.

    The training runs in child processes of the command: `tree_mb` is the largest sum of the
    proportional set size (PSS: shared pages split among their sharers) of the command and its
    descendants seen in one sample, i.e. the memory the whole command took from the machine.
    """

    INTERVAL_S = 0.05

    def __init__(self, pid: int, *, tree: bool = True) -> None:
        import threading

        self._pid = pid
        self._tree = tree
        self._path = Path(f"/proc/{pid}/status")
        self.peak_mb = 0.0
        self.tree_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        try:
            for line in self._path.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
        except OSError:
            pass
        if self._tree:
            self.tree_mb = max(self.tree_mb, sum(_pss_kb(pid) for pid in _descendants(self._pid)) / 1024)

    def _watch(self) -> None:
        while not self._done.wait(self.INTERVAL_S):
            self._sample()

    def stop(self) -> None:
        self._sample()
        self._done.set()
        self._thread.join()


def _descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from the parent ids in /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, ()))
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _communicate(process: subprocess.Popen, data: bytes) -> tuple[bytes, bytes]:
    """Feed stdin and collect stdout/stderr without reaping the process (threads avoid deadlock)."""
    import threading

    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:  # noqa: ANN001 - a pipe
        chunks[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=("out", process.stdout)),
        threading.Thread(target=drain, args=("err", process.stderr)),
    ]
    for reader in readers:
        reader.start()
    process.stdin.write(data)
    process.stdin.close()
    for reader in readers:
        reader.join()
    return chunks["out"], chunks["err"]


@dataclass(frozen=True)
class Latency:
    build_s: float
    median_ms: float
    p99_ms: float


def latency(examples_path: Path, questions: Iterable[str]) -> Latency:
    """Build time, and median and 99th percentile of one `Matcher.match` call, in-process."""
    from bot.adapters.batch import read_examples
    from bot.matching import Matcher

    examples = read_examples(examples_path)
    started = time.perf_counter()
    matcher = Matcher.build(examples)
    build_s = time.perf_counter() - started
    texts = list(questions)[:LATENCY_SAMPLE]
    for text in texts[:50]:  # warm-up: first calls fill the normaliser's character table
        matcher.match(text)
    timings = []
    for text in texts:
        started = time.perf_counter()
        matcher.match(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(0.99 * len(timings)))]
    return Latency(build_s=build_s, median_ms=statistics.median(timings), p99_ms=p99)


@dataclass
class Row:
    """One line of the results table."""

    dataset: str
    metric: str
    ours: str
    published: str = ""
    build_s: str = ""
    median_ms: str = ""
    p99_ms: str = ""
    peak_mb: str = ""
    notes: list[str] = field(default_factory=list)


def pct(value: float) -> str:
    return f"{100 * value:.1f}"
