"""Benchmark Studio's drift report against Evidently's DataDriftPreset (the anchor).

Builds (once, cached as Parquet in ``benchmarks/.cache/``) seeded reference and current frames
of ``--rows`` rows x 25 columns: 20 numeric (normal, lognormal, uniform, gamma, Poisson; two with
2% missing) and 5 categorical strings (3 to 200 labels). In the current frame 8 numeric columns
move by 0.3 reference std and 2 categorical columns change their shares. Both sides read the
same Parquet files.

Evidently 0.7.23 does not import next to pandas 3, so it runs in a virtual environment of its
own with pandas below 3 (made on first use, then reused; default under ``~/.cache``, outside
the repository): a child process times ``Dataset.from_pandas`` + ``Report([DataDriftPreset()])
.run`` (once, twice if the first run is under ``--again-under`` seconds) and prints its timing,
peak memory and per-column tests and decisions as JSON. Studio's ``drift_report`` runs here,
best of ``--repeat``. Then Studio runs again with each column forced to the test Evidently used,
and the two sets of drifted columns are compared. Targets from the issue: Studio at least 10x
faster than Evidently, under 5 s, peak memory under 2 GB; on a miss one Studio call is profiled.

Usage::

    python benchmarks/drift_vs_evidently.py                 # 1,000,000 rows
    python benchmarks/drift_vs_evidently.py --rows 100000   # quick check
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from studio.monitor.drift import FeatureDrift, drift_report

SEED, DATA_VERSION, EVIDENTLY = 0, 2, "0.7.23"
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
XDG_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
DEFAULT_VENV = XDG_CACHE / "studio-bench" / f"evidently-{EVIDENTLY}"
NUMERIC = [f"num_{i:02d}" for i in range(20)]
CATEGORICAL = [f"cat_{i}" for i in range(5)]
SHIFTED = NUMERIC[:8] + CATEGORICAL[:2]
CARDINALITY = [3, 8, 20, 50, 200]
SPEEDUP_TARGET, SECONDS_TARGET, MEMORY_TARGET, MB = 10.0, 5.0, 2048, 2**20
# Evidently's display names -> Studio's test names.
SAME_TEST = {"Wasserstein distance (normed)": "wasserstein", "Jensen-Shannon distance":
             "jensenshannon", "K-S p_value": "ks", "chi-square p_value": "chisquare",
             "Z-test p_value": "z", "PSI": "psi"}  # fmt: skip

CHILD = r"""
import json, sys, time
import evidently, pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

def status(field):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field + ":"))

ref_path, cur_path, numeric, categorical, again = sys.argv[1:6]
started = time.perf_counter()
ref, cur = pd.read_parquet(ref_path), pd.read_parquet(cur_path)
read = time.perf_counter() - started
definition = DataDefinition(numerical_columns=numeric.split(","),
                            categorical_columns=categorical.split(","))

def run():
    started = time.perf_counter()
    r = Dataset.from_pandas(ref, data_definition=definition)
    c = Dataset.from_pandas(cur, data_definition=definition)
    report = Report([DataDriftPreset()], include_tests=True)  # tests: Evidently's decisions
    snapshot = report.run(current_data=c, reference_data=r)
    return time.perf_counter() - started, snapshot

try:
    open("/proc/self/clear_refs", "w").write("5")
    reset = True
except OSError:
    reset = False
base = status("VmHWM")
elapsed, snapshot = run()
peak = status("VmHWM") - base
times = [elapsed] + ([run()[0]] if elapsed < float(again) else [])
doc = snapshot.dict()
flags = {t["name"].removeprefix("Value Drift for column "): getattr(t["status"], "value", "")
         for t in doc["tests"] if t["name"].startswith("Value Drift for column ")}
columns = {m["config"]["column"]: {"method": m["config"]["method"], "score": float(m["value"]),
                                   "threshold": m["config"]["threshold"],
                                   "drifted": flags[m["config"]["column"]] == "FAIL"}
           for m in doc["metrics"] if m["config"]["type"].endswith(":ValueDrift")}
print(json.dumps({"times": times, "read": read, "peak": peak, "reset": reset,
                  "columns": columns, "evidently": evidently.__version__,
                  "pandas": pd.__version__}))
"""


def build_frames(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded reference and current frames; SHIFTED columns drift in the current one."""
    rng = np.random.default_rng(SEED)
    frames = []
    for shifted in (False, True):
        data: dict[str, np.ndarray] = {}
        for i, name in enumerate(NUMERIC):
            move = 0.3 if shifted and name in SHIFTED else 0.0
            kind, lam = i % 5, 2.0 + i
            if kind == 4:  # Poisson counts: a larger rate moves the mean by 0.3 std
                data[name] = rng.poisson(lam + move * np.sqrt(lam), rows).astype(np.int64)
                continue
            method, params = [("normal", (10 * i, 1 + i)), ("lognormal", (1, 0.5)),
                              ("uniform", (-i, i + 1)), ("gamma", (2 + i, 3))][kind]  # fmt: skip
            values = getattr(rng, method)(*params, rows)
            values = values + move * values.std()
            if name in ("num_03", "num_13"):
                values[rng.random(rows) < 0.02] = np.nan
            data[name] = values
        for name, k in zip(CATEGORICAL, CARDINALITY, strict=True):
            shares = 1.0 / np.arange(1, k + 1) ** 0.8
            shares /= shares.sum()
            if shifted and name in SHIFTED:  # move 0.1 (3 labels: 0.15) to the rarest label
                moved = 0.15 if k == 3 else 0.1
                shares[0], shares[-1] = shares[0] - moved, shares[-1] + moved
            labels = np.array([f"{name}_{j:03d}" for j in range(k)], dtype=object)
            data[name] = labels[rng.choice(k, size=rows, p=shares)]
        frames.append(pd.DataFrame(data))
    return frames[0], frames[1]


def ensure_parquet(rows: int, regenerate: bool) -> tuple[Path, Path]:
    """The cached reference and current Parquet files, written first if absent."""
    stem = CACHE_DIR / f"drift_{rows}rows_seed{SEED}_v{DATA_VERSION}"
    paths = (Path(f"{stem}_reference.parquet"), Path(f"{stem}_current.parquet"))
    if regenerate or not all(p.exists() for p in paths):
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        for frame, path in zip(build_frames(rows), paths, strict=True):
            frame.to_parquet(path, index=False)
        print(f"generated {stem.name}_*.parquet in {time.perf_counter() - started:.1f} s")
    return paths


def ensure_venv(venv: Path) -> Path:
    """The Python of a venv with Evidently and pandas<3, created (pip install) if needed."""
    python = venv / "bin" / "python"
    check = f"import evidently, pyarrow; assert evidently.__version__ == '{EVIDENTLY}'"
    if (
        python.exists()
        and subprocess.run([python, "-c", check], capture_output=True).returncode == 0
    ):
        return python
    print(f"creating {venv} (python -m venv; pip install evidently=={EVIDENTLY} 'pandas<3')")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    packages = [f"evidently=={EVIDENTLY}", "pandas<3", "pyarrow"]
    pip = [python, "-m", "pip", "install", "-qq", *packages]
    subprocess.run(pip, check=True)
    print(f"venv ready in {time.perf_counter() - started:.0f} s")
    return python


def run_evidently(python: Path, paths: tuple[Path, Path], again: float) -> dict:
    """Run the child in the Evidently venv and parse the JSON line it prints."""
    args = [*map(str, paths), ",".join(NUMERIC), ",".join(CATEGORICAL), str(again)]
    done = subprocess.run([python, "-c", CHILD, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"Evidently child failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def status_bytes(field: str) -> int:
    """A ``kB`` field of ``/proc/self/status`` (``VmHWM`` = peak RSS) in bytes."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field))


def reset_peak() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux >= 4.0); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def time_studio(ref: pd.DataFrame, cur: pd.DataFrame, repeat: int) -> tuple[list[float], int]:
    """Peak RSS increase of one untimed call (also the warm-up), then ``repeat`` timed calls."""
    gc.collect()
    reset = reset_peak()
    base = status_bytes("VmHWM")
    drift_report(ref, cur, NUMERIC + CATEGORICAL)
    peak = status_bytes("VmHWM") - base if reset else -1
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        drift_report(ref, cur, NUMERIC + CATEGORICAL)
        times.append(time.perf_counter() - started)
    return times, peak


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table with a header rule; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _score(result: FeatureDrift) -> float:
    """What Evidently calls the score: the raw p-value of a p-value test, else the statistic
    (Studio decides p-value tests on the Benjamini-Hochberg adjusted p-value)."""
    return result.p_value if result.uses_p_value else result.statistic


def agreement(ref: pd.DataFrame, cur: pd.DataFrame, evidently: dict) -> list[str]:
    """Studio with Evidently's test per column: per-column table and flagged by both/either."""
    columns = evidently["columns"]
    overrides = {n: SAME_TEST[c["method"]] for n, c in columns.items() if c["method"] in SAME_TEST}
    ours = {f.name: f for f in drift_report(ref, cur, list(columns), overrides=overrides).features}
    rows = [("column", "Evidently test", "threshold", "Evidently", "Studio test", "Studio")]
    for name, theirs in columns.items():
        mine = ours[name]
        rows.append((name, theirs["method"], f"{theirs['threshold']:g}",
                     f"{theirs['score']:.4f} {'DRIFT' if theirs['drifted'] else 'ok'}", mine.test,
                     f"{_score(mine):.4f} {'DRIFT' if mine.drifted else 'ok'}"))  # fmt: skip
    flagged_e = {n for n, c in columns.items() if c["drifted"]}
    flagged_s = {n for n, f in ours.items() if f.drifted}
    either, both = flagged_e | flagged_s, flagged_e & flagged_s
    unmapped = sorted({c["method"] for c in columns.values()} - set(SAME_TEST))
    return [
        format_table(rows),
        "",
        f"Evidently flagged ({len(flagged_e)}): {', '.join(sorted(flagged_e)) or '-'}",
        f"Studio flagged, same tests ({len(flagged_s)}): {', '.join(sorted(flagged_s)) or '-'}",
        f"shifted by construction ({len(SHIFTED)}): {', '.join(SHIFTED)}",
        f"agreement: flagged by both / either = {len(both)}/{len(either)}"
        + (f"; only Evidently: {sorted(flagged_e - both)}" if flagged_e - both else "")
        + (f"; only Studio: {sorted(flagged_s - both)}" if flagged_s - both else "")
        + (f"; tests without a Studio equivalent: {unmapped}" if unmapped else ""),
    ]


def print_hotspots(ref: pd.DataFrame, cur: pd.DataFrame, limit: int = 15) -> None:
    """cProfile one drift_report call; top functions by own time and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.runcall(drift_report, ref, cur, NUMERIC + CATEGORICAL)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    entries = [(tt, ct, nc, f"{'/'.join(Path(f).parts[-2:])}:{ln}({fn})")
               for (f, ln, fn), (_, nc, tt, ct, _) in stats.items()]  # fmt: skip
    for label, key in (("own time", 0), ("cumulative time", 1)):
        print(f"\n=== cProfile of one drift_report: top {limit} by {label} ===")
        print(format_table([("own s", "cum s", "calls", "function")] + [
            (f"{tt:.3f}", f"{ct:.3f}", str(nc), where)
            for tt, ct, nc, where in sorted(entries, key=lambda e: -e[key])[:limit]
        ]))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the data, time both sides, compare their decisions, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per frame")
    parser.add_argument("--repeat", type=int, default=3, help="timed Studio runs (best of)")
    parser.add_argument("--again-under", type=float, default=120.0,
                        help="run Evidently twice if its first run is under this (s)")  # fmt: skip
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="Evidently's venv")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the Parquet files")
    parser.add_argument("--cprofile", action="store_true", help="profile Studio even on PASS")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = ensure_parquet(args.rows, args.regenerate)
    python = ensure_venv(args.venv)
    setup = time.perf_counter() - started
    evidently = run_evidently(python, paths, args.again_under)
    read_started = time.perf_counter()
    ref, cur = pd.read_parquet(paths[0]), pd.read_parquet(paths[1])
    read = time.perf_counter() - read_started
    times, peak = time_studio(ref, cur, max(1, args.repeat))
    anchor, ours = min(evidently["times"]), min(times)
    ok = {"speed": anchor / ours >= SPEEDUP_TARGET, "seconds": ours < SECONDS_TARGET,
          "memory": 0 <= peak < MEMORY_TARGET * MB}  # fmt: skip
    verdict = {True: "PASS", False: "FAIL"}
    e_runs = len(evidently["times"])
    print(f"\nrows {len(ref):,} x {ref.shape[1]} columns per frame ({len(NUMERIC)} numeric, "
          f"{len(CATEGORICAL)} categorical), shifted: {', '.join(SHIFTED)}")  # fmt: skip
    print(f"machine: nproc={len(os.sched_getaffinity(0))}, {platform.machine()}, "
          f"python {platform.python_version()}")  # fmt: skip
    print(f"Studio: pandas {pd.__version__}, numpy {np.__version__}; Evidently "
          f"{evidently['evidently']} in {args.venv} (pandas {evidently['pandas']})")  # fmt: skip
    print(
        f"timings: wall clock; Studio best of {len(times)} after 1 untimed run; Evidently "
        f"best of {e_runs} (Dataset.from_pandas + Report.run, after reading the Parquet)\n"
    )
    print(format_table([
        ("step", "seconds", "ratio vs anchor", "target", "pass/fail"),
        ("Evidently DataDriftPreset (anchor)", f"{anchor:.2f}", "1.00x", "-", "-"),
        ("Studio drift_report (defaults)", f"{ours:.2f}",
         f"{ours / anchor:.3f}x ({anchor / ours:.1f}x faster)",
         f">= {SPEEDUP_TARGET:.0f}x faster", verdict[ok["speed"]]),
        ("Studio drift_report, absolute", f"{ours:.2f}", "-", f"< {SECONDS_TARGET:.0f} s",
         verdict[ok["seconds"]]),
        ("Studio peak RSS increase (MB)", f"{peak / MB:,.0f}", "-",
         f"< {MEMORY_TARGET:,} MB", verdict[ok["memory"]]),
        ("Evidently peak RSS increase (MB)", f"{evidently['peak'] / MB:,.0f}", "-", "-", "-"),
    ]))  # fmt: skip
    print(f"\n  all runs Studio: {', '.join(f'{t:.2f}' for t in times)}; Evidently: "
          f"{', '.join(f'{t:.2f}' for t in evidently['times'])}")  # fmt: skip
    print(f"  Parquet read (not timed): Studio {read:.2f} s, Evidently {evidently['read']:.2f} s")
    print("  peak RSS increase = VmHWM (reset through /proc/self/clear_refs) after the first, "
          "untimed call minus RSS before it; frames already loaded; Evidently's child likewise "
          f"(reset {'ok' if evidently['reset'] else 'REFUSED'})")  # fmt: skip
    print("\n=== Decisions with the same test per column (Studio forced to Evidently's) ===")
    for line in agreement(ref, cur, evidently):
        print(line)
    if args.cprofile or not all(ok.values()):
        print_hotspots(ref, cur)
    total = time.perf_counter() - started
    print(f"\ntotal run time: {total:.0f} s (data + venv setup {setup:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
