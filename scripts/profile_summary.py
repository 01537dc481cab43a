"""Where a page's CPU time goes, from the py-spy profiles `scripts/bench.py --profile DIR` writes (collapsed stacks).

    python scripts/profile_summary.py DIR [--top N]

For each profile: the share of the worker's samples in each part of a request (the innermost part a stack is in
wins, so template rendering inside a handler counts as templates), then the N functions of ours (server/) with the
most samples including what they call. Only CPU shows: time spent waiting on PostgreSQL is not sampled.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# (part, pattern on a frame "function (file:line)"), innermost first: the first part found walking from the leaf up.
PARTS = [
    ("compression", re.compile(r"brotli|gzip|compression")),
    ("logging", re.compile(r"logging/|observability/logs|JsonFormatter")),
    ("metrics", re.compile(r"prometheus_client|telemetry\.py")),
    ("templates", re.compile(r"jinja2/|<template>|\(templates/|\.html:")),
    ("asyncpg", re.compile(r"asyncpg/")),
    ("orm (piccolo)", re.compile(r"piccolo/")),
    ("session", re.compile(r"load_session_user|auth\.py|sessions\.py")),
    ("csrf", re.compile(r"csrf")),
    ("our code", re.compile(r"\(server/")),
    ("framework (litestar)", re.compile(r"litestar/|msgspec")),
]
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+):(?P<line>\d+)\)$")


def read_stacks(path: Path) -> Counter[tuple[str, ...]]:
    """The worker's stacks (the server's own process, idle between requests, is left out) and their sample counts."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text().split("\n"):  # one stack a line (splitlines would also cut at \x1c, \u2028...)
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = tuple(stack.split(";"))
        if sum(frame.startswith("process ") for frame in frames) < 2:
            continue
        stacks[frames] += int(count)
    return stacks


def part_of(frames: tuple[str, ...]) -> str:
    for frame in reversed(frames):
        for part, pattern in PARTS:
            if pattern.search(frame):
                return part
    return "server and event loop"


def ours(frames: tuple[str, ...]) -> set[str]:
    """Functions of ours on the stack, each once (so recursion does not count twice)."""
    found = set()
    for frame in frames:
        match = FRAME.match(frame)
        if match and match["file"].startswith("server/") and "/web/telemetry" not in match["file"]:
            found.add(f"{match['function']} ({match['file']})")
    return found


def summarise(path: Path, top: int) -> str:
    stacks = read_stacks(path)
    total = sum(stacks.values()) or 1
    parts: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    for frames, count in stacks.items():
        parts[part_of(frames)] += count
        for function in ours(frames):
            functions[function] += count
    lines = [f"## {path.stem} ({total} samples)"]
    lines += [f"  {count / total:6.1%}  {part}" for part, count in parts.most_common()]
    lines.append("  ours, including what they call:")
    lines += [f"  {count / total:6.1%}  {function}" for function, count in functions.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    for path in sorted(args.directory.glob("*.txt")):
        print(summarise(path, args.top), flush=True)


if __name__ == "__main__":
    main()
