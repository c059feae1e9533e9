"""Benchmark: Proofroom's derivative pipeline vs plain Pillow vs a bare 1/8 libvips decode.

Run by hand from the project root:

    .venv/bin/python bench/derivatives.py [--count 16] [--rounds 3]

Makes ``count`` 24 MP (6000 x 4000) and ``count`` 45 MP (8256 x 5504) synthetic camera
JPEGs (quality 90) in a temporary folder, then, in the same run, with a process pool of
os.cpu_count() workers (one libvips thread each):

(a) pipeline: proofroom.imaging.make_derivatives (2048 preview + 400 thumbnail, Q85);
(b) plain Pillow: Image.open -> resize(LANCZOS) to 2048 -> save JPEG Q85, then the
    400 thumbnail from that preview (no draft() shrink-on-load trick);
(c) bare libvips decode at 1/8 scale: new_from_file(p, shrink=8).avg().

Methods are interleaved over ``rounds`` and the best round of each is kept (the machine
may be shared).  Peak RSS of the pipeline is measured in a fresh process per 45 MP image.
The last line is the summary.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TIMES = "\N{MULTIPLICATION SIGN}"
SIZES = {"24MP": (6000, 4000), "45MP": (8256, 5504)}


# --------------------------------------------------------------------------- workers


def _init_worker() -> None:
    import PIL.Image  # noqa: F401  (import cost outside the timing)

    from proofroom.imaging import configure_worker

    configure_worker()


def _pipeline(path: str) -> None:
    from proofroom.imaging import make_derivatives

    make_derivatives(path)


def _pillow(path: str) -> None:
    from PIL import Image

    with Image.open(path) as original:
        image = original.convert("RGB") if original.mode != "RGB" else original
        scale = 2048 / max(image.size)
        size = (round(image.width * scale), round(image.height * scale))
        preview = image.resize(size, Image.Resampling.LANCZOS)
    preview.save(io.BytesIO(), "JPEG", quality=85)
    scale = 400 / max(preview.size)
    size = (round(preview.width * scale), round(preview.height * scale))
    preview.resize(size, Image.Resampling.LANCZOS).save(io.BytesIO(), "JPEG", quality=85)


def _decode8(path: str) -> None:
    import pyvips

    pyvips.Image.new_from_file(path, shrink=8).avg()


METHODS = {"decode 1/8": _decode8, "pipeline": _pipeline, "pillow": _pillow}


def _task(job: tuple[str, str]) -> tuple[str, float]:
    method, path = job
    start = time.perf_counter()
    METHODS[method](path)
    return path, time.perf_counter() - start


def _noop(_: int) -> int:
    time.sleep(0.2)
    return os.getpid()


# --------------------------------------------------------------------------- main

# Peak RSS via VmHWM: ru_maxrss survives execve on Linux, so a child started by this
# (large) parent process would report the parent's peak instead of its own.
RSS_SNIPPET = """
import resource, sys
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.path.insert(0, {src!r})
from proofroom.imaging import configure_worker, make_derivatives
configure_worker()
base = peak_kb()
make_derivatives({path!r})
print(base, peak_kb())
"""


def _fresh_process_rss(path: Path) -> tuple[float, float]:
    """(RSS after imports, peak RSS after make_derivatives) in MB, in a new interpreter."""
    code = RSS_SNIPPET.format(src=str(ROOT / "src"), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024


def _make_images(folder: Path, count: int) -> dict[str, list[Path]]:
    from proofroom.imaging.samples import make_sample_photo

    files: dict[str, list[Path]] = {}
    for label, (width, height) in SIZES.items():
        files[label] = []
        for i in range(count):
            path = folder / f"{label}-{i:02d}.jpg"
            make_sample_photo(
                path,
                width=width,
                height=height,
                seed=1000 + i,
                quality=90,
                exif={
                    "make": "Proofroom",
                    "model": "Bench",
                    "datetime_original": "2025:05:17 16:20:00",
                },
            )
            files[label].append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=16, help="images of each size")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="proofroom-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = _make_images(folder, args.count)
        sizes = {
            label: sum(p.stat().st_size for p in paths) / len(paths) / 1e6
            for label, paths in files.items()
        }
        print(
            f"made {args.count} x 24 MP ({sizes['24MP']:.1f} MB avg) and {args.count} x "
            f"45 MP ({sizes['45MP']:.1f} MB avg) JPEGs in {time.perf_counter() - start:.0f} s; "
            f"{args.workers} workers"
        )
        every = [str(p) for paths in files.values() for p in paths]
        label_of = {str(p): label for label, paths in files.items() for p in paths}

        best: dict[str, float] = {}
        latency: dict[str, dict[str, float]] = {}
        context = mp.get_context("spawn")  # no fork after libvips has started threads
        with context.Pool(args.workers, initializer=_init_worker) as pool:
            pool.map(_noop, range(args.workers * 2), chunksize=1)  # workers up and warm
            pool.map(
                _task, [(m, every[0]) for m in METHODS for _ in range(args.workers)], chunksize=1
            )
            for round_no in range(args.rounds):
                for method in METHODS:
                    start = time.perf_counter()
                    results = pool.map(_task, [(method, p) for p in every], chunksize=1)
                    wall = time.perf_counter() - start
                    rate = len(every) / wall
                    print(
                        f"round {round_no + 1}: {method:10s} {rate:6.2f} img/s "
                        f"({wall:5.1f} s for {len(every)})"
                    )
                    if rate > best.get(method, 0.0):
                        best[method] = rate
                        per = {
                            label: [t for p, t in results if label_of[p] == label]
                            for label in SIZES
                        }
                        latency[method] = {k: sum(v) / len(v) * 1000 for k, v in per.items()}

        rss = [_fresh_process_rss(p) for p in files["45MP"][:3]]
        base_rss = max(b for b, _ in rss)
        peak_rss = max(p for _, p in rss)

    print()
    print(f"{'method':12s} {'img/s':>7s} {'ms/img 24MP':>12s} {'ms/img 45MP':>12s}")
    for method in METHODS:
        lat = latency[method]
        print(f"{method:12s} {best[method]:7.2f} {lat['24MP']:12.0f} {lat['45MP']:12.0f}")
    vs_pillow = best["pipeline"] / best["pillow"]
    vs_decode = best["pipeline"] / best["decode 1/8"]
    print(
        f"pipeline peak RSS, fresh process per 45 MP image: {peak_rss:.0f} MB "
        f"({base_rss:.0f} MB of it is the interpreter + pyvips after import)"
    )
    aims = {
        ">= 3x plain Pillow": vs_pillow >= 3,
        ">= 0.5 of the 1/8 decode": vs_decode >= 0.5,
        "< 150 MB/worker at 45 MP": peak_rss < 150,
    }
    print("aims: " + "; ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in aims.items()))
    print(json.dumps({"rates": best, "latency_ms": latency, "peak_rss_mb": peak_rss}))
    print(
        f"derivatives: pipeline {best['pipeline']:.2f} img/s; {vs_pillow:.2f}{TIMES} plain "
        f"Pillow; {vs_decode:.2f} of the 1/8 decode; peak {peak_rss:.0f} MB/worker at 45 MP"
    )


if __name__ == "__main__":
    main()
