"""Benchmark batch scoring against a bare ``predict_proba`` of the same pipeline on the same rows.

Sets up a fresh store (a temporary ``STUDIO_HOME``, SQLite) with the telco churn demo, runs a
real autopilot run (``hgb``, 4 trials) in a ``studio autopilot run --wait`` subprocess (this
process never fits a model), registers its best candidate as ``churn`` v1 and builds a
``--rows`` frame (default 1,000,000) by sampling the dataset's rows with replacement (seeded,
target dropped). It then prints, all measured in the same run:

- the anchor: ``pipeline.predict_proba(frame)`` (``predict`` for a regressor) with the pipeline
  loaded once by ``studio.modelio.load_model``;
- Studio: ``score_frame(studio, "churn@1", frame, ...)`` (get the version, check the batch
  against its schema, load the model, predict, build the output columns, log the batch);
- the overhead ratio (Studio / anchor - 1) against the target (< 20%);
- a breakdown of Studio's extra work, each function timed alone: ``get_version``,
  ``load_model`` (and its SHA-256 check), ``check_batch`` (and its unseen-category count),
  ``output_frame`` without the prediction (``model_output`` patched to return stored
  probabilities), ``log_batch`` (and its summary and Parquet encoding of the logged sample).

Timings are the best of ``--repeat`` runs (default 3) after ``--warmup`` untimed runs (default
1); the anchor and Studio alternate, so a busy machine slows both alike, and their warm-up runs
score the first ``--warmup-rows`` rows (default 100,000: first calls, not a full-size run, which
would add about a minute). The exit code is 0 whatever the results (this is a report), unless
the script itself fails.

Usage::

    python benchmarks/scoring.py                # 1,000,000 rows, about 2-3 minutes on 2 cores
    python benchmarks/scoring.py --rows 100000  # quick check
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import is_classifier
from sqlmodel import func, select

from studio.config import load_settings
from studio.context import Studio
from studio.data.versions import add_dataset_version, load_frame
from studio.data.versions import get_version as get_dataset_version
from studio.db import session_scope
from studio.db.models import Run
from studio.demo import demo_files
from studio.modelio import load_model
from studio.registry.outputs import frame_summary, output_frame
from studio.registry.register import register_candidate
from studio.registry.schema import _unseen_categories, check_batch
from studio.registry.scoring import LOGGED_ROWS, log_batch, score_frame
from studio.registry.versions import get_version

ROOT = Path(__file__).resolve().parent.parent
DATASET, TARGET, MODEL, ACTOR, SEED = "telco_churn", "churn", "churn", "bench", 0
DEFAULT_ROWS, DEFAULT_REPEAT, DEFAULT_WARMUP, DEFAULT_WARMUP_ROWS = 1_000_000, 3, 1, 100_000
OVERHEAD_TARGET = 0.20
AUTOPILOT = ["autopilot", "run", "--dataset", DATASET, "--target", TARGET, "--families", "hgb",
             "--max-trials", "4", "--budget-seconds", "60", "--wait"]  # fmt: skip


def best_of(
    steps: dict[str, Callable[[], Any]], repeat: int, warmup: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Best wall-clock seconds of each step (rounds run every step once, in turn) and each
    step's last result."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    last: dict[str, Any] = {}
    for index in range(warmup + repeat):
        for name, step in steps.items():
            last.pop(name, None)
            gc.collect()
            started = time.perf_counter()
            last[name] = step()
            elapsed = time.perf_counter() - started
            if index >= warmup:
                times[name].append(elapsed)
    gc.collect()
    return {name: min(values) for name, values in times.items()}, last


def open_store(home: Path) -> Studio:
    """Point Studio's environment (read by the CLI subprocess too) at a fresh SQLite store."""
    for name in ("STUDIO_DATABASE_URL", "STUDIO_ARTIFACTS", "STUDIO_ROLES_FILE"):
        os.environ.pop(name, None)
    os.environ |= {"STUDIO_HOME": str(home), "STUDIO_USER": ACTOR, "PYTHONPATH": str(ROOT)}
    return Studio.open(load_settings())


def train_and_register(studio: Studio) -> float:
    """Add the demo dataset, run autopilot in a CLI subprocess, register its best candidate."""
    add_dataset_version(studio, demo_files()[DATASET], f"{DATASET}.csv", name=DATASET,
                        actor=ACTOR)  # fmt: skip
    started = time.perf_counter()
    command = [sys.executable, "-m", "studio.cli", *AUTOPILOT]
    done = subprocess.run(command, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"autopilot failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr}")
    with session_scope(studio.engine) as session:
        run_id = session.exec(select(func.max(Run.id))).one()
    register_candidate(studio, run_id, MODEL, ACTOR)
    return time.perf_counter() - started


def build_frame(studio: Studio, rows: int) -> pd.DataFrame:
    """``rows`` rows of the dataset drawn with replacement (seeded), without the target."""
    data = load_frame(studio, get_dataset_version(studio, DATASET)).drop(columns=TARGET)
    picks = np.random.default_rng(SEED).integers(0, len(data), rows)
    return data.iloc[picks].reset_index(drop=True)


def measure(
    studio: Studio, frame: pd.DataFrame, repeat: int, warmup: int, warmup_rows: int
) -> dict[str, float]:
    """Anchor and Studio (alternating), then each piece of Studio's extra work alone."""
    ref = f"{MODEL}@1"
    version = get_version(studio, ref)
    pipeline = load_model(studio.artifacts, version.artifact, version.artifact_sha256)
    bare = pipeline.predict_proba if is_classifier(pipeline) else pipeline.predict
    warm = frame.iloc[:warmup_rows]
    for _ in range(warmup):  # first calls, on a slice: a full-size warm-up costs a minute
        bare(warm)
        score_frame(studio, ref, warm, "warm.parquet", ACTOR)
    timings, last = best_of(
        {"bare": lambda: bare(frame),
         "studio": lambda: score_frame(studio, ref, frame, "bench.parquet", ACTOR)},
        repeat, 0,
    )  # fmt: skip
    checked = check_batch(frame, version.input_schema)
    stored = np.asarray(last.pop("bare"), dtype=float)  # what model_output would return
    del last
    with mock.patch("studio.registry.outputs.model_output", return_value=stored):
        outputs = output_frame(pipeline, checked.features, version.labels)
        build, _ = best_of(
            {"output": lambda: output_frame(pipeline, checked.features, version.labels)},
            repeat, warmup,
        )  # fmt: skip
    features, specs = checked.features, version.input_schema["features"]
    keep = features.sample(min(len(features), LOGGED_ROWS), random_state=0).index
    logged = pd.concat([features.loc[keep], outputs.loc[keep]], axis=1).reset_index(drop=True)
    pieces = {
        "get_version": lambda: get_version(studio, ref),
        "load_model": lambda: load_model(studio.artifacts, version.artifact,
                                         version.artifact_sha256),
        "sha256": lambda: studio.artifacts.verified_path(version.artifact,
                                                         version.artifact_sha256),
        "check": lambda: check_batch(frame, version.input_schema),
        "unseen": lambda: _unseen_categories(features, specs),
        "log": lambda: log_batch(studio, version, features, outputs, "bench.parquet", ACTOR,
                            checked.unseen),
        "summary": lambda: frame_summary(features.loc[keep], outputs.loc[keep]),
        "parquet": lambda: logged.to_parquet(io.BytesIO(), index=False),
    }  # fmt: skip
    return timings | build | best_of(pieces, repeat, warmup)[0]


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table with a header rule; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def print_report(frame: pd.DataFrame, t: dict[str, float], setup: float, repeat: int) -> None:
    """The main table (rows per second, overhead ratio) and the breakdown."""
    rows, bare, studio = len(frame), t["bare"], t["studio"]
    overhead = studio / bare - 1
    verdict = "PASS" if overhead < OVERHEAD_TARGET else "FAIL"
    print(
        f"\nframe: {rows:,} rows x {frame.shape[1]} columns "
        f"({frame.memory_usage(deep=True).sum() / 2**20:,.0f} MB), sampled from {DATASET}"
    )
    print(
        f"machine: nproc={len(os.sched_getaffinity(0))}, {platform.machine()}, load average "
        f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}, sklearn "
        f"{sklearn.__version__}, pandas {pd.__version__}, numpy {np.__version__}"
    )
    print(
        f"setup (autopilot subprocess + register): {setup:.1f} s; timings: best of {repeat} "
        "after warm-up, anchor and Studio alternating\n"
    )
    print(format_table([
        ("step", "seconds", "rows/s", "overhead vs anchor", "target", "pass/fail"),
        ("anchor: pipeline.predict_proba(frame)", f"{bare:.3f}", f"{rows / bare:,.0f}",
         "0% (anchor)", "-", "-"),
        ("studio: score_frame", f"{studio:.3f}", f"{rows / studio:,.0f}", f"{overhead:+.1%}",
         f"< {OVERHEAD_TARGET:.0%}", verdict),
    ]))  # fmt: skip
    top = ("get_version", "load_model", "check", "output", "log")
    residual = studio - bare - sum(t[k] for k in top)
    breakdown = [
        ("get_version (registry row, DB read)", t["get_version"]),
        ("load_model (SHA-256 + skops allow-list + load)", t["load_model"]),
        ("  of which SHA-256 of the model file", t["sha256"]),
        ("check_batch (align, coerce, unseen categories)", t["check"]),
        ("  of which _unseen_categories", t["unseen"]),
        ("output_frame without predict (labels, proba columns)", t["output"]),
        (f"log_batch ({min(rows, LOGGED_ROWS):,}-row sample, summary, Parquet, row)", t["log"]),
        ("  of which frame_summary of the sample", t["summary"]),
        ("  of which Parquet encoding of the sample", t["parquet"]),
        ("rest (studio - anchor - the above: concat, predict on coerced dtypes, noise)",
         residual),
    ]  # fmt: skip
    print("\nwhere Studio's extra time goes (each function timed alone):\n")
    print(format_table([
        ("piece", "seconds", "% of anchor"),
        *[(name, f"{value:.3f}", f"{value / bare:.1%}") for name, value in breakdown],
    ]))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Set up, measure and print; always 0 unless something raises."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs per step")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed runs first")
    parser.add_argument(
        "--warmup-rows", type=int, default=DEFAULT_WARMUP_ROWS, help="rows of the warm-up runs"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="studio-bench-scoring-") as home:
        studio = open_store(Path(home))
        setup = train_and_register(studio)
        frame = build_frame(studio, args.rows)
        timings = measure(
            studio, frame, max(1, args.repeat), max(0, args.warmup), max(1, args.warmup_rows)
        )
        print_report(frame, timings, setup, max(1, args.repeat))
        studio.engine.dispose()
    print(f"\ntotal run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
