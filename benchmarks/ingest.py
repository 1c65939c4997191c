"""Benchmark CSV ingest and profiling against a bare ``pyarrow.csv.read_csv`` of the same bytes.

Generates (once, cached in ``benchmarks/.cache/``) a deterministic CSV of ``--rows`` rows x 20
columns: floats with missing values written as empty or ``N/A``, integers, categorical strings
of several cardinalities, an ISO date, an ISO datetime and a yes/no column. It then prints, all
measured in the same run:

- the anchor: ``pyarrow.csv.read_csv`` with default options on a ``pa.BufferReader`` of the same
  in-memory bytes, alone and followed by ``to_pandas()``;
- our ingest, ``studio.data.ingest.read_table`` (bytes -> clean DataFrame);
- the profile, ``studio.data.profile.profile_frame``;
- the full ``add_dataset_version`` path (ingest + profile + Parquet + database row);
- the peak memory of one ingest + profile, measured in a fresh subprocess.

Timings are the best of ``--repeat`` runs (default 3) after ``--warmup`` untimed runs (default
1: first touches of fresh memory are slow on a VM). Targets from the issue: ingest within 2x the
bare parse, profile under 5 s, peak memory under 4x the in-memory frame. The exit code is 0
whatever the results (this is a report), unless the script itself fails.

Usage::

    python benchmarks/ingest.py                 # 1,000,000 rows
    python benchmarks/ingest.py --rows 100000   # quick check
    python benchmarks/ingest.py --cprofile      # also print cProfile hotspots
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from studio.config import Settings
from studio.context import Studio
from studio.data.ingest import read_table
from studio.data.profile import DatasetProfile, profile_frame
from studio.data.versions import AddResult, add_dataset_version

SEED = 0
DEFAULT_ROWS = 1_000_000
DEFAULT_REPEAT = 3
DEFAULT_WARMUP = 1
DATA_VERSION = 2  # bump when the generator changes, so cached files are not reused
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
FILENAME = "bench.csv"
MAX_COLUMNS = 2000
MAX_BYTES = 4 << 30
MB = 2**20

INGEST_TARGET = 2.0  # x the bare parse
PROFILE_TARGET = 5.0  # seconds
MEMORY_TARGET = 4.0  # x the in-memory frame


# --------------------------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------------------------


def cache_path(rows: int) -> Path:
    """The cached CSV for ``rows`` rows with this seed and generator version."""
    return CACHE_DIR / f"ingest_{rows}rows_seed{SEED}_v{DATA_VERSION}.csv"


def _with_missing(
    values: pa.Array, rng: np.random.Generator, share: float, marker: str | None
) -> pa.Array:
    """``values`` with about ``share`` of entries missing: null (written empty) or ``marker``."""
    mask = pa.array(rng.random(len(values)) < share)
    if marker is None:
        return pc.if_else(mask, pa.scalar(None, values.type), values)
    text = pc.cast(values, pa.string())
    return pc.if_else(mask, pa.scalar(marker, pa.string()), text)


def _categories(rng: np.random.Generator, rows: int, prefix: str, cardinality: int) -> pa.Array:
    """A string column of ``cardinality`` labels with a skewed (Zipf-like) frequency."""
    weights = 1.0 / np.arange(1, cardinality + 1) ** 0.8
    codes = rng.choice(cardinality, size=rows, p=weights / weights.sum()).astype(np.int32)
    labels = pa.array([f"{prefix}_{i:04d}" for i in range(cardinality)], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes), labels).cast(pa.string())


def _float_columns(rng: np.random.Generator, rows: int) -> dict[str, pa.Array]:
    """8 float columns; four of them have ~1-5% missing values (empty or ``N/A``)."""

    def rounded(values: np.ndarray, digits: int) -> pa.Array:
        return pa.array(np.round(values, digits))

    return {
        "amount": rounded(rng.lognormal(4.0, 1.0, rows), 2),
        "score": pa.array(rng.normal(0.0, 1.0, rows)),
        "ratio": _with_missing(rounded(rng.random(rows), 4), rng, 0.05, None),
        "temperature": _with_missing(rounded(rng.normal(20, 8, rows), 1), rng, 0.05, "N/A"),
        "balance": _with_missing(rounded(rng.normal(1e4, 5e3, rows), 2), rng, 0.05, None),
        "weight_kg": _with_missing(rounded(rng.gamma(9, 8, rows), 3), rng, 0.05, "N/A"),
        "latitude": rounded(rng.uniform(-90, 90, rows), 6),
        "discount": _with_missing(rounded(rng.beta(2, 5, rows), 3), rng, 0.01, None),
    }


def _int_columns(rng: np.random.Generator, rows: int) -> dict[str, pa.Array]:
    """4 complete integer columns: an increasing id, a count, an age and a signed quantity."""
    return {
        "customer_id": pa.array(np.arange(1, rows + 1, dtype=np.int64)),
        "visits": pa.array(rng.poisson(3, rows).astype(np.int64)),
        "age": pa.array(rng.integers(18, 91, rows, dtype=np.int64)),
        "quantity": pa.array(rng.integers(-1000, 100_000, rows, dtype=np.int64)),
    }


def _text_columns(rng: np.random.Generator, rows: int) -> dict[str, pa.Array]:
    """5 categorical columns (3 to 5,000 labels), two dates and a yes/no flag."""
    start = np.datetime64("2015-01-01", "s").astype(np.int64)
    span = 10 * 365 * 86_400
    seconds = start + rng.integers(0, span, rows)
    days = (seconds // 86_400).astype(np.int32)
    stamps = pa.array(seconds.astype("datetime64[s]"))
    return {
        "segment": _categories(rng, rows, "seg", 3),
        "region": _categories(rng, rows, "region", 12),
        "state": _with_missing(_categories(rng, rows, "state", 50), rng, 0.02, None),
        "product": _categories(rng, rows, "prod", 500),
        "city": _categories(rng, rows, "city", 5000),
        "signup_date": _with_missing(pa.array(days, pa.date32()), rng, 0.02, None),
        "last_seen": pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%S"),
        "subscribed": pa.array(np.where(rng.random(rows) < 0.3, "yes", "no")),
    }


def build_table(rows: int) -> pa.Table:
    """The deterministic 20-column benchmark table (seed ``SEED``)."""
    rng = np.random.default_rng(SEED)
    columns = {**_float_columns(rng, rows), **_int_columns(rng, rows), **_text_columns(rng, rows)}
    order = [
        "customer_id", "signup_date", "segment", "region", "state", "city", "product", "age",
        "visits", "amount", "score", "ratio", "temperature", "balance", "weight_kg", "latitude",
        "discount", "quantity", "last_seen", "subscribed",
    ]  # fmt: skip
    return pa.table({name: columns[name] for name in order})


def ensure_csv(rows: int, regenerate: bool) -> Path:
    """The cached benchmark CSV, written first if absent or if ``regenerate``."""
    path = cache_path(rows)
    if path.exists() and not regenerate:
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = build_table(rows)
    partial = path.with_suffix(".csv.partial")
    # Unquoted, like pandas' to_csv: no value holds a delimiter, quote or newline.
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with pa.OSFile(str(partial), "wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, sink, write_options=options)
    partial.replace(path)
    print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """The best and every wall-clock time of one benchmarked step."""

    best: float
    all: tuple[float, ...]


@dataclass(frozen=True)
class Runs:
    """How often each step runs: untimed warm-up runs, then timed repetitions."""

    repeat: int
    warmup: int

    def describe(self) -> str:
        """The run plan in words, for the report."""
        return (
            f"best of {self.repeat} timed repetitions each, after {self.warmup} untimed "
            "warm-up run(s); wall clock (time.perf_counter)"
        )


def best_of(
    runs: Runs, step: Callable[..., Any], setup: Callable[[], Any] | None = None
) -> Timing:
    """Time ``step`` (given ``setup()``'s result, if any, prepared untimed) as ``runs`` says."""
    times = []
    for index in range(runs.warmup + runs.repeat):
        argument = setup() if setup else None
        gc.collect()
        started = time.perf_counter()
        result = step(argument) if setup else step()
        elapsed = time.perf_counter() - started
        del result, argument
        if index >= runs.warmup:
            times.append(elapsed)
    gc.collect()
    return Timing(min(times), tuple(times))


def bare_parse(content: bytes) -> pa.Table:
    """The anchor: pyarrow's CSV reader with default options on the in-memory bytes."""
    return pacsv.read_csv(pa.BufferReader(content))


def bare_parse_to_pandas(content: bytes) -> pd.DataFrame:
    """The anchor followed by a default ``to_pandas()``."""
    return bare_parse(content).to_pandas()


def ingest(content: bytes) -> pd.DataFrame:
    """Our ingest: bytes -> clean DataFrame, as an upload goes through it."""
    return read_table(content, FILENAME, max_columns=MAX_COLUMNS, max_bytes=MAX_BYTES).frame


def profile(frame: pd.DataFrame) -> DatasetProfile:
    """Our profile of an ingested frame."""
    return profile_frame(frame)


def open_scratch_studio(root: Path) -> Studio:
    """A fresh Studio store (SQLite + artifact folder) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        home=root,
        database_url=f"sqlite:///{root / 'studio.db'}",
        artifacts_dir=root / "artifacts",
        max_columns=MAX_COLUMNS,
        max_upload_bytes=MAX_BYTES,
        user="bench",
    )
    return Studio.open(settings)


def time_full_add(content: bytes, runs: Runs, scratch: Path) -> Timing:
    """Best time of ``add_dataset_version``, each run into a new empty store (setup untimed)."""
    stores = iter(range(runs.warmup + runs.repeat))

    def setup() -> Studio:
        return open_scratch_studio(scratch / f"store{next(stores)}")

    def step(studio: Studio) -> AddResult:
        result = add_dataset_version(studio, content, FILENAME, name="bench", actor="bench")
        assert result.created, "expected a new version in an empty store"
        return result

    return best_of(runs, step, setup)


# --------------------------------------------------------------------------------------------
# Peak memory (in a fresh subprocess)
# --------------------------------------------------------------------------------------------


def _maxrss_bytes() -> int:
    """``ru_maxrss`` of this process in bytes (Linux reports KiB).

    After ``exec`` it still includes the parent's RSS at fork time, so it is only reported, not
    used for the ratio.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _status_bytes(field: str) -> int:
    """A ``kB`` field of ``/proc/self/status`` (``VmHWM`` = peak RSS, ``VmRSS`` = current)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_peak_rss() -> bool:
    """Reset this process's ``VmHWM`` to its current RSS (Linux >= 4.0); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def measure_peak(path: Path) -> dict[str, int]:
    """One ingest + profile after imports and reading the bytes; RSS figures in bytes."""
    content = path.read_bytes()
    gc.collect()
    reset = _reset_peak_rss()
    baseline = _status_bytes("VmHWM")
    frame = ingest(content)
    profile(frame)
    peak = _status_bytes("VmHWM")
    return {
        "baseline_rss": baseline,
        "peak_rss": peak,
        "peak_reset": int(reset),
        "ru_maxrss": _maxrss_bytes(),
        "frame_bytes": int(frame.memory_usage(deep=True).sum()),
        "file_bytes": len(content),
    }


def run_peak_subprocess(path: Path) -> dict[str, int]:
    """Run this script in ``--measure-peak`` mode and parse the JSON line it prints."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-peak", str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine_info() -> list[str]:
    """Lines describing the machine and library versions."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"machine: nproc={usable} (os.cpu_count={os.cpu_count()}), {platform.machine()}, "
        f"{platform.system()} {platform.release()}",
        f"python {platform.python_version()}, pyarrow {pa.__version__}, pandas {pd.__version__},"
        f" numpy {np.__version__}",
    ]


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table with a header rule; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def timing_rows(timings: dict[str, Timing]) -> list[tuple[str, ...]]:
    """Table rows for the timed steps, ratios against the bare parse."""
    anchor = timings["bare"].best
    ingest_ratio = timings["ingest"].best / anchor
    rows = [
        ("bare parse: pyarrow.csv.read_csv (anchor)", timings["bare"], "1.00x", "-", "-"),
        ("bare parse + to_pandas", timings["bare_pandas"], None, "-", "-"),
        ("our ingest: read_table", timings["ingest"], None, f"<= {INGEST_TARGET:.1f}x",
         verdict(ingest_ratio <= INGEST_TARGET)),
        ("profile: profile_frame", timings["profile"], None, f"< {PROFILE_TARGET:.0f} s",
         verdict(timings["profile"].best < PROFILE_TARGET)),
    ]  # fmt: skip
    if "full_add" in timings:
        rows.append(("full add (ingest+profile+parquet+db)", timings["full_add"], None, "-", "-"))
    return [
        (step, f"{t.best:.3f}", ratio or f"{t.best / anchor:.2f}x", target, result)
        for step, t, ratio, target, result in rows
    ]


def memory_row(peak: dict[str, int]) -> tuple[str, ...]:
    """The table row comparing the peak RSS increase with the in-memory frame."""
    ratio = (peak["peak_rss"] - peak["baseline_rss"]) / peak["frame_bytes"]
    return (
        "peak memory: ingest+profile (subprocess)",
        "n/a",
        f"{ratio:.2f}x frame",
        f"< {MEMORY_TARGET:.0f}x frame",
        verdict(ratio < MEMORY_TARGET),
    )


def memory_lines(peak: dict[str, int]) -> list[str]:
    """How the peak memory figure was obtained, in MB."""
    increase = peak["peak_rss"] - peak["baseline_rss"]
    reset = "reset via /proc/self/clear_refs" if peak["peak_reset"] else "NOT reset (refused)"
    return [
        "peak memory = peak RSS (VmHWM) during one read_table + profile_frame in a fresh",
        "  subprocess, minus its RSS after imports and after reading the file bytes (VmHWM",
        f"  {reset}); neither imports nor the upload bytes the caller holds count:",
        f"  baseline RSS   {peak['baseline_rss'] / MB:9,.1f} MB"
        f" (incl. {peak['file_bytes'] / MB:,.1f} MB of file bytes)",
        f"  peak RSS       {peak['peak_rss'] / MB:9,.1f} MB",
        f"  increase       {increase / MB:9,.1f} MB",
        f"  frame          {peak['frame_bytes'] / MB:9,.1f} MB (memory_usage(deep=True).sum())",
        f"  (ru_maxrss {peak['ru_maxrss'] / MB:,.1f} MB is not used: after fork+exec Linux keeps",
        "  the parent's peak in it)",
    ]


def print_report(
    path: Path, frame: pd.DataFrame, timings: dict[str, Timing], peak: dict[str, int], runs: Runs
) -> None:
    """Print the dataset, the machine, the table and the notes."""
    print()
    print(f"file: {path.name}")
    print(
        f"rows {len(frame):,}, columns {frame.shape[1]}, file size "
        f"{path.stat().st_size / MB:,.1f} MB, frame {peak['frame_bytes'] / MB:,.1f} MB in memory"
    )
    for line in machine_info():
        print(line)
    print(f"timings: {runs.describe()}")
    print()
    header = ("step", "seconds", "ratio vs anchor", "target", "pass/fail")
    print(format_table([header, *timing_rows(timings), memory_row(peak)]))
    print()
    for name, timing in timings.items():
        print(f"  all runs {name}: " + ", ".join(f"{t:.3f}" for t in timing.all))
    for line in memory_lines(peak):
        print(line)


def print_hotspots(content: bytes, frame: pd.DataFrame, limit: int = 25) -> None:
    """cProfile one read_table and one profile_frame; print the top functions by cumulative."""
    for label, step, argument in (
        ("read_table", ingest, content),
        ("profile_frame", profile, frame),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        step(argument)
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(limit)
        print(f"\n=== cProfile: {label} (top {limit} by cumulative time) ===")
        print(buffer.getvalue().split("\n\n", 1)[-1].rstrip())


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows (default 1,000,000)")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the cached CSV")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs per step")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed runs first")
    parser.add_argument("--skip-full-add", action="store_true", help="skip add_dataset_version")
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile hotspots")
    parser.add_argument("--measure-peak", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_benchmark(args: argparse.Namespace) -> None:
    """Generate or reuse the CSV, time every step, measure peak memory and print the report."""
    path = ensure_csv(args.rows, args.regenerate)
    content = path.read_bytes()
    runs = Runs(repeat=max(1, args.repeat), warmup=max(0, args.warmup))
    timings = {
        "bare": best_of(runs, lambda: bare_parse(content)),
        "bare_pandas": best_of(runs, lambda: bare_parse_to_pandas(content)),
        "ingest": best_of(runs, lambda: ingest(content)),
    }
    frame = ingest(content)
    timings["profile"] = best_of(runs, lambda: profile(frame))
    if not args.skip_full_add:
        with tempfile.TemporaryDirectory(prefix="studio-bench-") as scratch:
            timings["full_add"] = time_full_add(content, runs, Path(scratch))
    peak = run_peak_subprocess(path)
    print_report(path, frame, timings, peak, runs)
    if args.cprofile:
        print_hotspots(content, frame)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or the hidden peak-memory mode); always 0 unless something raises."""
    args = parse_args(argv)
    if args.measure_peak is not None:
        print(json.dumps(measure_peak(args.measure_peak)))
        return 0
    run_benchmark(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
