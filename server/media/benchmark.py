"""Bench figures for the photo intake: a 12 MP phone JPEG processed in a fresh process (time and peak memory).

`python -m server.media.benchmark FILE RUNS` prints JSON; scripts/bench.py calls `measure_photo_processing()`.
Peak memory is the child's peak RSS (VmHWM) minus its RSS before the first photo (Pillow's pixel buffers are C
allocations, which tracemalloc does not see).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from server.settings import ROOT

BENCH_SIZE = (4000, 3000)


@dataclass(frozen=True)
class PhotoFigures:
    p50_ms: float
    p95_ms: float
    peak_mb: float
    input_bytes: int


def _status_mb(field: str) -> float:
    """VmRSS / VmHWM (peak) of this process in MB; ru_maxrss would include the parent's peak from before exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: Path, runs: int) -> dict[str, float]:
    from server.media.images import process_image

    data = path.read_bytes()
    baseline = _status_mb("VmRSS")
    times = []
    for _ in range(runs + 1):  # the first run warms up libjpeg and the allocator
        start = time.perf_counter()
        process_image(data)
        times.append((time.perf_counter() - start) * 1000)
    times = sorted(times[1:])
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "peak_mb": _status_mb("VmHWM") - baseline,
    }


def measure_photo_processing(runs: int = 10) -> PhotoFigures:
    """Make the 12 MP JPEG here, process it `runs` times in a fresh interpreter."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.make_photos import big_jpeg

    with tempfile.TemporaryDirectory(prefix="bangfu-photo-") as temp:
        path = Path(temp) / "12mp.jpg"
        path.write_bytes(big_jpeg(BENCH_SIZE))
        output = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "server.media.benchmark", str(path), str(runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(output.stdout)
        return PhotoFigures(figures["p50_ms"], figures["p95_ms"], figures["peak_mb"], path.stat().st_size)


if __name__ == "__main__":
    print(json.dumps(_child(Path(sys.argv[1]), int(sys.argv[2]))))
