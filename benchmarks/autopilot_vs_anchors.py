"""Benchmark Studio's autopilot against FLAML and AutoGluon, in one run, on 12 public tables.

Every system gets the same time budget (default 60 s), the same 2 cores and the same 75/25
train/test split (stratified for classification, ``random_state=0``) of the tables of
``benchmarks/tables.py``. Only the 75% training split is shown to a system; all are scored on
the 25% test split by the same code in this process: ROC AUC for binary, accuracy (and macro
F1) for multiclass, R² for regression. Class labels are strings in the order of
``studio.autopilot.data.class_labels`` for every system.

- Studio runs exactly as in production (``benchmarks/studio_autopilot.py``): dataset version,
  ``launch_run``, a separate ``python -m studio.cli worker --once`` process.
- FLAML 2.8.0 and AutoGluon 1.6.3 (``medium_quality``, and ``best_quality``: bagged and
  stacked, the next mark to beat) run in child processes with the python of their own venvs
  (``benchmarks/automl_anchors.py`` makes them on first use; ``benchmarks/anchor_child.py`` is
  the child). AutoGluon runs without its FASTAI network (PyPI's torchvision needs CUDA torch)
  and without foundation models (weights from a hub); its NN_TORCH network runs.

Systems run one after another, never in parallel (they share the 2 cores). The report: a row
per table and metric with each score, Studio's gaps and each run's wall seconds; a summary
against the issue's targets (Studio within 0.005 of the better of FLAML and AG medium_quality
on >= 9 of 12 tables, never more than 0.01 below FLAML, every Studio run within 5% of its
budget; the distance to AG best_quality); then each table's notes (Studio's run warnings, such
as trials stopped at the time limit or ensembles dropped). The exit code is 0 whatever the
results (this is a report), unless the script itself fails.

Usage::

    python benchmarks/autopilot_vs_anchors.py --json results.json   # about 1 h: 12 x 4 x 60 s
    python benchmarks/autopilot_vs_anchors.py --quick               # 15 s, three small tables
    # Studio only, with the anchors' results of an earlier --json (about 15 min):
    python benchmarks/autopilot_vs_anchors.py --anchors-from results.json
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
import automl_anchors  # noqa: E402
import studio_autopilot  # noqa: E402
from anchor_report import (  # noqa: E402
    HEADER,
    SYSTEMS,
    SystemResult,
    TableResult,
    print_notes,
    print_summary,
    print_table,
    table_rows,
)
from tables import QUICK_TABLES, TABLES, TableSpec, describe  # noqa: E402

from studio.autopilot.data import class_labels  # noqa: E402

SEED = 0
TEST_SIZE = 0.25
CORES = 2
DEFAULT_BUDGET = 60.0
QUICK_BUDGET = 15.0
CHILD = Path(__file__).resolve().parent / "anchor_child.py"
ANCHORS = {  # system -> (venv, AutoGluon preset)
    "flaml": (automl_anchors.FLAML, None),
    "ag_medium": (automl_anchors.AUTOGLUON, "medium_quality"),
    "ag_best": (automl_anchors.AUTOGLUON, "best_quality"),
}


def load_split(spec: TableSpec) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The 75/25 split of a table (stratified if classes) and its row count."""
    frame = spec.frame()
    stratify = None if spec.task == "regression" else frame[spec.target].astype(str)
    train, test = train_test_split(
        frame, test_size=TEST_SIZE, random_state=SEED, stratify=stratify
    )
    return train.reset_index(drop=True), test.reset_index(drop=True), len(frame)


def scores_for(task: str, y_test: pd.Series, outputs: np.ndarray, labels: list[str],
               predicted: np.ndarray | None = None) -> dict[str, float]:  # fmt: skip
    """The reported test metrics. Classification: column i of ``outputs`` is the probability of
    ``labels[i]`` and ``predicted`` the predicted labels (default: the most probable).
    Regression: ``outputs`` are the predictions."""
    if task == "regression":
        return {"r2": float(r2_score(y_test.to_numpy(dtype=float), outputs))}
    truth = y_test.astype(str).to_numpy()
    if task == "binary":
        return {"roc_auc": float(roc_auc_score(truth == labels[1], outputs[:, 1]))}
    if predicted is None:
        predicted = np.asarray(labels, dtype=object)[outputs.argmax(axis=1)]
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "f1_macro": float(f1_score(truth, predicted, average="macro")),
    }


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_studio(store: studio_autopilot.Store, spec: TableSpec, train: pd.DataFrame,
               test: pd.DataFrame, labels: list[str],
               budget: float) -> dict[str, SystemResult]:  # fmt: skip
    """Studio's autopilot on one table, as ``SystemResult``s: ``"studio"``, its best candidate
    registered with the defaults (the run's own fit on all rows, made in the budget, when it
    made one), and ``"studio_training"``, the candidate itself on the training rows (fit = the
    run's seconds for both; the latter's wall = the registration's seconds)."""
    o = studio_autopilot.run_studio(store, spec.name, spec.target, spec.task, train, test,
                                    budget, labels)  # fmt: skip
    result = SystemResult("studio", wall=o.worker_wall, fit=o.run_seconds,
                          best=f"{o.best} ({o.registered_rows})", measured=now())  # fmt: skip
    result.notes = [
        f"run {o.run_id} {o.status}, {o.trials} trials; queued->started {o.startup:.1f} s, "
        f"search {o.search_seconds:.1f} s, finalise {o.run_seconds - o.search_seconds:.1f} s; "
        f"first completed trial at {o.first_trial:.2f} s: {o.first_event}",
        *o.notes,
    ]
    if o.outputs is None:
        result.error = f"no candidate (run {o.status})"
        return {"studio": result}
    result.scores = scores_for(spec.task, test[spec.target], o.outputs, labels, o.predicted)
    training = SystemResult("studio_training", wall=o.register_seconds, fit=o.run_seconds,
                            best=f"{o.best}, training rows", measured=now())  # fmt: skip
    training.scores = scores_for(spec.task, test[spec.target], o.training_outputs, labels,
                                 o.training_predicted)  # fmt: skip
    return {"studio": result, "studio_training": training}


def write_splits(spec: TableSpec, train: pd.DataFrame, test: pd.DataFrame,
                 folder: Path) -> None:  # fmt: skip
    """The splits as Parquet for the children (text columns as plain objects, which the venvs'
    pandas 2.3 reads back as it would a CSV's; the test split without its target)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("train", train), ("test", test.drop(columns=[spec.target]))):
        text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        frame.astype(dict.fromkeys(text, object)).to_parquet(folder / f"{name}.parquet")


def run_anchor(system: str, spec: TableSpec, test: pd.DataFrame, labels: list[str],
               budget: float, folder: Path) -> SystemResult:  # fmt: skip
    """One anchor on one table in a child process of its venv's python, as a ``SystemResult``."""
    anchor, preset = ANCHORS[system]
    out = folder / system
    out.mkdir(parents=True, exist_ok=True)
    job = {
        "system": "flaml" if preset is None else "autogluon", "preset": preset,
        "budget": budget, "task": spec.task, "target": spec.target, "labels": labels,
        "metric": studio_autopilot.METRIC[spec.task], "train": str(folder / "train.parquet"),
        "test": str(folder / "test.parquet"), "out": str(out), "cores": CORES, "seed": SEED,
    }  # fmt: skip
    (out / "job.json").write_text(json.dumps(job))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "VIRTUAL_ENV": str(anchor.folder),
        "PATH": f"{anchor.folder / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [str(anchor.python), str(CHILD), str(out / "job.json")]
    log = out / "child.log"
    wall, code = studio_autopilot.run_process(command, env, log, 3 * budget + 300)
    result = SystemResult(system, wall=wall, measured=now())
    if code != 0 or not (out / "result.json").is_file():
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        result.error = f"exit {code}: {' | '.join(tail)}"
        return result
    done = json.loads((out / "result.json").read_text())
    details = done["details"]
    result.fit, result.best = done["fit_seconds"], details.pop("best")
    result.notes = [f"{key}: {value}" for key, value in details.items()]
    result.scores = scores_for(spec.task, test[spec.target], np.load(out / "outputs.npy"), labels)
    return result


def benchmark_table(store: studio_autopilot.Store, spec: TableSpec, systems: list[str],
                    budget: float, work: Path) -> TableResult:  # fmt: skip
    """Every chosen system on one table, one after another."""
    train, test, rows = load_split(spec)
    labels = [] if spec.task == "regression" else class_labels(train[spec.target])
    result = TableResult(spec.name, spec.task, rows, len(train))
    folder = work / "anchors" / spec.name
    write_splits(spec, train, test, folder)
    for system in systems:
        print(f"[{spec.name}] {system} ({budget:.0f} s) ...", file=sys.stderr, flush=True)
        if system == "studio":
            try:  # a failure is a result to report, not the end of the benchmark
                result.systems.update(run_studio(store, spec, train, test, labels, budget))
            except Exception as exc:  # noqa: BLE001
                result.systems[system] = SystemResult(system, error=f"{type(exc).__name__}: "
                                                      f"{exc}"[:300], measured=now())  # fmt: skip
        else:
            result.systems[system] = run_anchor(system, spec, test, labels, budget, folder)
    return result


def versions(systems: list[str]) -> dict[str, str]:
    """Versions that matter: Studio's environment and each anchor venv's key packages."""
    main = ("numpy", "pandas", "scikit-learn", "optuna", "lightgbm", "xgboost", "catboost")
    found = {"python": platform.python_version()}
    for name in main:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[f"studio env {name}"] = importlib.metadata.version(name)
    keys = {"flaml": ("flaml", "lightgbm", "xgboost", "pandas"),
            "autogluon": ("autogluon.tabular", "lightgbm", "catboost", "xgboost-cpu", "torch",
                          "pandas")}  # fmt: skip
    for anchor in {ANCHORS[s][0] for s in systems if s in ANCHORS}:
        have = automl_anchors.installed(anchor)
        found |= {f"{anchor.name} venv {k}": have.get(k, "?") for k in keys[anchor.name]}
    return found


def prepare_anchors(systems: list[str]) -> None:
    """Make (or reuse) the venvs the chosen anchors need; print install seconds and size."""
    for anchor in {ANCHORS[s][0]: None for s in systems if s in ANCHORS}:
        seconds = automl_anchors.ensure_venv(anchor)
        size = automl_anchors.disk_megabytes(anchor.folder)
        made = f"installed in {seconds:.0f} s" if seconds else "reused"
        print(f"venv {anchor.name}: {made}, {size:,.0f} MB; {anchor.note}")


def reuse_anchors(path: Path, budget: float, results: list[TableResult]) -> None:
    """Copy the anchors' results of an earlier ``--json`` (same budget) into ``results``.
    Exits with a message when the budget differs; a table it lacks keeps no anchors."""
    earlier = json.loads(path.read_text())
    if earlier["budget"] != budget:
        sys.exit(f"{path} was measured with a {earlier['budget']} s budget, not {budget} s")
    dates = set()
    for result in results:
        table = earlier["tables"].get(result.name, {})
        for system, stored in table.get("systems", {}).items():
            if system in ANCHORS:
                times = {k: math.nan if stored[k] is None else stored[k] for k in ("wall", "fit")}
                result.systems[system] = SystemResult(**(stored | times))
                dates.add(stored["measured"][:10])
    print(f"anchors from {path}, measured {', '.join(sorted(dates)) or '(none found)'}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET, help="seconds per run")
    parser.add_argument("--datasets", default=",".join(TABLES), help="comma-separated tables")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"budget {QUICK_BUDGET:.0f} s, tables {', '.join(QUICK_TABLES)}",
    )
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument(
        "--anchors-from",
        type=Path,
        help="reuse the anchors' results of an earlier --json (same budget)",
    )
    parser.add_argument(
        "--probe",
        action="store_true",
        help="also time Studio's first trial on a 10,000-row diamonds sample",
    )
    parser.add_argument("--keep-store", type=Path,
                        help="put Studio's store in this new folder and keep it")  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.budget, args.datasets = QUICK_BUDGET, ",".join(QUICK_TABLES)
    args.datasets, args.systems = args.datasets.split(","), args.systems.split(",")
    if unknown := [n for n in args.datasets if n not in TABLES]:
        parser.error(f"unknown tables {unknown}; choose from {', '.join(TABLES)}")
    if unknown := [s for s in args.systems if s not in SYSTEMS]:
        parser.error(f"unknown systems {unknown}; choose from {', '.join(SYSTEMS)}")
    if args.anchors_from:  # the anchors come from the file: run Studio only
        args.systems = [s for s in args.systems if s not in ANCHORS]
    return args


def print_header(args: argparse.Namespace) -> None:
    """The setup: budget, cores, split, versions, and what each table is."""
    print(f"Studio autopilot vs FLAML and AutoGluon: budget {args.budget:.0f} s, {CORES} cores "
          f"(os.cpu_count()={os.cpu_count()}), split {1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%} "
          f"random_state={SEED}, systems {', '.join(args.systems)}")  # fmt: skip
    print("versions: " + "; ".join(f"{k} {v}" for k, v in versions(args.systems).items()))
    for name in args.datasets:
        print(f"  {describe(TABLES[name], TABLES[name].frame())}")


def run_benchmark(args: argparse.Namespace) -> list[TableResult]:
    """Every table (and the probe, if asked), then the report."""
    prepare_anchors(args.systems)
    print_header(args)
    with tempfile.TemporaryDirectory(prefix="studio-anchors-bench-") as tmp:
        home = Path(tmp)
        if args.keep_store is not None:
            args.keep_store.mkdir(parents=True, exist_ok=False)
            home = args.keep_store.resolve()
        store = studio_autopilot.open_store(home)
        results = []
        for name in args.datasets:  # --json is rewritten after each table: a partial run keeps
            results.append(benchmark_table(store, TABLES[name], args.systems, args.budget,
                                           Path(tmp)))  # fmt: skip
            if args.json:
                save(args.json, args, results, quiet=True)
        probe = studio_autopilot.first_trial_probe(store, TABLES["diamonds"].frame()) \
            if args.probe else None  # fmt: skip
    if args.anchors_from:
        reuse_anchors(args.anchors_from, args.budget, results)
    print()
    print_table(HEADER, [row for r in results for row in table_rows(r)])
    print_summary(results, args.budget)
    if probe is not None:
        print(f"\nFirst completed trial ({probe.rows:,} diamonds rows, max_trials=1): "
              f"{probe.after_start:.2f} s after the run's start, {probe.after_launch:.2f} s "
              f"after launch_run (worker start-up included); {probe.event}")  # fmt: skip
    print_notes(results)
    return results


def no_nan(value: object) -> object:
    """``value`` with every float NaN (a time not measured) as None, for strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [no_nan(v) for v in value]
    return value


def save(path: Path, args: argparse.Namespace, results: list[TableResult],
         quiet: bool = False) -> None:  # fmt: skip
    """Every result so far as JSON (what ``--anchors-from`` reads)."""
    data = {
        "measured": now(), "budget": args.budget, "cores": CORES, "test_size": TEST_SIZE,
        "seed": SEED, "versions": versions([*args.systems, *ANCHORS]),
        "anchors_from": str(args.anchors_from) if args.anchors_from else None,
        "tables": {r.name: asdict(r) for r in results},
    }  # fmt: skip
    path.write_text(json.dumps(no_nan(data), indent=1))
    if not quiet:
        print(f"\nresults written to {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 whatever the results."""
    args = parse_args(argv)
    results = run_benchmark(args)
    if args.json:
        save(args.json, args, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
