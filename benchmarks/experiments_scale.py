"""Benchmark the Experiments page at scale: 100 runs and 100,000 Optuna trials in one store.

Fills a fresh store (a temporary ``STUDIO_HOME``; SQLite by default, or a new database created
on the PostgreSQL server named by ``STUDIO_DATABASE_URL``, which needs CREATE DATABASE, and
dropped afterwards) with:

- one real autopilot run on the ``breast_cancer`` demo (``max_trials=12``, ``top_k=5``), run by
  a ``studio worker --once`` subprocess so that it has real, saved candidates (the benchmark's
  own process never fits a model: it forks the analysis child later);
- 99 more finished runs on the same dataset, as ``Run`` rows with their own Optuna studies;
- synthetic trials bulk-inserted into Optuna's tables (SQLAlchemy core ``executemany``): the
  real run grows to 5,000 trials and the 99 others share 95,000, so the store holds 100,000.
  They look like Studio's trials: a ``family`` parameter, family-prefixed parameters drawn
  from the real search spaces (``studio.autopilot.families``) with their distributions,
  values, intermediate values (one per fold; pruned trials stop early), ``cv_std`` /
  ``fold_scores`` user attributes, some failed trials, and start and end times. They are
  read back through ``optuna.load_study(...).get_trials()`` before anything is timed.

The 5,000-trial run's analysis (trial table, Optuna views, holdout diagnostics; computed once
when a run finishes, and stored) is then recomputed with ``analyze_run`` and timed once.

It prints the server-side time to build, through the core calls the page makes and through
the page itself (Streamlit's ``AppTest`` on ``pages/3_Experiments.py``, which runs the script
in-process: no browser, no network, no front-end rendering):

(a) the runs list (first page of 25): default, a text search and a status filter;
(b) the 5,000-trial run's detail: ``run_detail``, ``trial_table``, ``stored_views`` and one
    Optuna figure (``?run=ID`` on the page);
(c) a comparison of 5 of its candidates: ``compare`` (``?compare=ID,...`` on the page).

The runs list is also timed on the same 100 runs when the store holds only 100 trials (before
the bulk insert), and the ratio shows that the list query does not grow with the trials.

Beyond the three views, a second table times what the targets do not cover but a user meets:
the run page with its heaviest stored Optuna view selected ("Intermediate values", one trace
per trial), and ``run_trials``, the live read of every trial that a run not analysed yet (a
running one) costs the run page and the Autopilot page's live leaderboard (refreshed every 2 s).
It also prints each page's first load in a new ``AppTest`` session, and where the analysis spent
its time.

Timings are the best of ``--repeat`` runs (default 3) after ``--warmup`` untimed runs
(default 1); an ``AppTest`` page is loaded once (the warm-up) and then rerun, as Streamlit
reruns a page's script on every interaction. The anchor is the issue's target: each view
builds in under 1 s on the server (the analysis is held only to its own 600 s limit). The whole
benchmark takes about 2-3 minutes on 2 cores. The exit code is 0 whatever the results (this is a
report), unless the script itself fails.

Usage::

    python benchmarks/experiments_scale.py                      # 100 runs, 100,000 trials
    python benchmarks/experiments_scale.py --trials 10000 --big-trials 1000   # quick check
    STUDIO_DATABASE_URL=postgresql+psycopg://user@host/db python benchmarks/experiments_scale.py
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
import streamlit as st
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from optuna.storages._rdb import models as om
from optuna.trial import TrialState
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine, make_url
from streamlit.testing.v1 import AppTest

from studio.autopilot.families import FAMILIES
from studio.autopilot.metrics import METRICS
from studio.autopilot.service import AutopilotRequest, launch_run
from studio.autopilot.study import create_study, optuna_storage
from studio.charts.experiments import optuna_figure
from studio.config import load_settings
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import dispose_engine, session_scope
from studio.db.models import Candidate, Run, RunAnalysis
from studio.demo import DEMO_TARGETS, demo_files
from studio.experiments.analysis import analyze_run
from studio.experiments.compare import compare
from studio.experiments.detail import run_detail, stored_views, trial_table
from studio.experiments.runs import RunFilter, list_runs
from studio.experiments.views import VIEW_LABELS
from studio.tracking import run_trials

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/3_Experiments.py"
DATASET = "breast_cancer"
ACTOR = "bench"
SEED = 0

DEFAULT_RUNS = 100
DEFAULT_TRIALS = 100_000
DEFAULT_BIG_TRIALS = 5_000
SMALL_TRIALS = 100  # the store's total for the "list does not grow with trials" check
DEFAULT_REPEAT = 3
DEFAULT_WARMUP = 1
REAL_MAX_TRIALS = 12
REAL_BUDGET = 60.0
COMPARED = 5
TARGET = 1.0  # seconds, server-side, for every view
ANALYSIS_LIMIT = 600.0  # studio.experiments.analysis.ANALYSIS_SECONDS: the analysis fails past it
APPTEST_TIMEOUT = 120.0
DEFAULT_VIEW = "history"  # the Optuna view the run page shows first
HEAVY_VIEW = "intermediate"  # one trace per trial

# Synthetic trials: mean CV score by family (ROC AUC on breast_cancer is about 0.97-0.995).
FAMILY_SCORE = {"hgb": 0.988, "linear": 0.993, "random_forest": 0.987, "extra_trees": 0.989,
                "knn": 0.982, "svm": 0.992}  # fmt: skip
FAILED_SHARE, PRUNED_SHARE = 0.02, 0.25


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


@dataclass
class Store:
    """The benchmark's store: its home folder, the open Studio and how to clean it up."""

    home: Path
    studio: Studio
    drop: Callable[[], None]


def _fresh_postgres(url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of ``url`` and the function that drops it."""
    name = f"studio_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        optuna_storage(fresh).engine.dispose()
        dispose_engine(fresh)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return fresh, drop


def open_store(home: Path, keep: bool) -> Store:
    """Point Studio's environment at ``home`` (and a fresh database) and open it.

    The environment is what ``load_settings`` reads, so the worker subprocess and the
    Streamlit pages (``AppTest``) open the same store.
    """
    drop: Callable[[], None] = lambda: None  # noqa: E731
    url = os.environ.get("STUDIO_DATABASE_URL", "")
    os.environ["STUDIO_HOME"] = str(home)
    os.environ["STUDIO_ARTIFACTS"] = str(home / "artifacts")
    os.environ["STUDIO_USER"] = ACTOR
    if url and not url.startswith("sqlite"):
        url, dropper = _fresh_postgres(url)
        os.environ["STUDIO_DATABASE_URL"] = url
        drop = (lambda: None) if keep else dropper
    elif url:
        os.environ.pop("STUDIO_DATABASE_URL")  # a fresh SQLite file under the new home
    studio = Studio.open(load_settings())
    with session_scope(studio.engine) as session:
        if session.scalar(select(func.count()).select_from(Run)):
            raise SystemExit(f"the store at {studio.settings.database_url} is not empty")
    return Store(home, studio, drop)


# --------------------------------------------------------------------------------------------
# The real run (in a worker subprocess)
# --------------------------------------------------------------------------------------------


def real_run(store: Store) -> int:
    """A real breast_cancer run with 5+ saved candidates, run by ``studio worker --once``."""
    content = demo_files()[DATASET]
    add_dataset_version(store.studio, content, f"{DATASET}.csv", name=DATASET, actor=ACTOR)
    request = AutopilotRequest(
        dataset=DATASET, target=DEMO_TARGETS[DATASET], max_trials=REAL_MAX_TRIALS,
        budget_seconds=REAL_BUDGET, top_k=COMPARED, seed=SEED,
    )  # fmt: skip
    run_id = launch_run(store.studio, request, actor=ACTOR)
    log = store.home / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "worker", "--once"], env=os.environ.copy(),
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        code = worker.wait(timeout=4 * REAL_BUDGET + 300)
    with session_scope(store.studio.engine) as session:
        run = session.get(Run, run_id)
        candidates = session.scalar(select(func.count()).where(Candidate.run_id == run_id))
        status = run.status
    if code != 0 or status != "finished" or candidates < COMPARED:
        raise SystemExit(
            f"the real run ended {status} with {candidates} candidates (worker exit {code}); "
            f"see {log}"
        )
    return run_id


# --------------------------------------------------------------------------------------------
# Synthetic trials, bulk-inserted into Optuna's tables
# --------------------------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC (SQLite returns naive UTC datetimes)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Draw:
    """A stand-in for ``optuna.Trial`` that draws random values from the ``suggest_*`` calls a
    family makes, so synthetic trials use Studio's real search spaces."""

    distributions: dict[str, tuple[BaseDistribution, str]] = {}  # name -> (distribution, JSON)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.params: dict[str, tuple[float, str]] = {}  # name -> (internal value, JSON)

    def _remember(self, name: str, make: Callable[[], BaseDistribution], value: Any) -> Any:
        if name not in self.distributions:
            made = make()
            self.distributions[name] = (made, distribution_to_json(made))
        distribution, as_json = self.distributions[name]
        self.params[name] = (distribution.to_internal_repr(value), as_json)
        return value

    def _between(self, low: float, high: float, log: bool) -> float:
        if log:
            return math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return self.rng.uniform(low, high)

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        value = min(high, max(low, self._between(low, high, log)))
        return self._remember(name, lambda: FloatDistribution(low, high, log=log, step=step),
                              value)  # fmt: skip

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        value = min(high, max(low, int(self._between(low, high + 1, log))))
        return self._remember(name, lambda: IntDistribution(low, high, log=log, step=step),
                              value)  # fmt: skip

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any:
        value = choices[self.rng.randrange(len(choices))]
        return self._remember(name, lambda: CategoricalDistribution(choices), value)


@dataclass
class TrialRows:
    """The rows of a batch of trials, keyed by trial number (ids are known after insert)."""

    trials: list[dict[str, Any]]
    params: list[tuple[int, str, float, str]]
    values: list[tuple[int, float]]
    intermediate: list[tuple[int, int, float]]
    attrs: list[tuple[int, str, str]]
    best: float | None  # best completed value, in the metric's own direction


def synthetic_trials(
    study_id: int, numbers: range, config: dict[str, Any], rng: random.Random, start: datetime
) -> TrialRows:
    """Rows for trials ``numbers`` of a study, shaped like Studio's (see ``search.py``)."""
    families, task = list(config["families"]), config["task"]
    sign = 1 if METRICS[config["metric"]].greater_is_better else -1
    folds = int(config["folds"])
    family_json = distribution_to_json(CategoricalDistribution(families))
    out = TrialRows([], [], [], [], [], None)
    at = as_utc(start).replace(tzinfo=None)  # Optuna stores naive UTC
    for number in numbers:
        family = families[rng.randrange(len(families))]
        draw = _Draw(rng)
        FAMILIES[family].suggest(draw, task)
        roll = rng.random()
        state = (
            TrialState.FAIL if roll < FAILED_SHARE
            else TrialState.PRUNED if roll < FAILED_SHARE + PRUNED_SHARE
            else TrialState.COMPLETE
        )  # fmt: skip
        fit = rng.uniform(0.02, 0.6)
        steps = {TrialState.COMPLETE: folds, TrialState.PRUNED: rng.randint(2, folds - 1),
                 TrialState.FAIL: rng.randint(0, 2)}[state]  # fmt: skip
        mean = FAMILY_SCORE.get(family, 0.98) - abs(rng.gauss(0, 0.006))
        scores = [min(1.0, rng.gauss(mean, 0.008)) for _ in range(steps)]
        seconds = 0.05 + fit * max(steps, 1)
        out.trials.append(
            {"number": number, "study_id": study_id, "state": state, "datetime_start": at,
             "datetime_complete": at + timedelta(seconds=seconds)}
        )  # fmt: skip
        at += timedelta(seconds=seconds + rng.uniform(0.01, 0.1))
        out.params.append((number, "family", float(families.index(family)), family_json))
        out.params.extend((number, n, v, j) for n, (v, j) in draw.params.items())
        out.attrs.append((number, "worker", '"bench-synthetic"'))
        for step in range(steps):
            out.intermediate.append((number, step, sign * sum(scores[: step + 1]) / (step + 1)))
        if state == TrialState.COMPLETE:
            value = sum(scores) / folds
            std = math.sqrt(sum((s - value) ** 2 for s in scores) / folds)
            out.values.append((number, sign * value))
            out.attrs.extend(
                [(number, "family", f'"{family}"'), (number, "cv_std", repr(std)),
                 (number, "fold_scores", "[" + ", ".join(map(repr, scores)) + "]"),
                 (number, "fit_seconds", repr(fit))]
            )  # fmt: skip
            if out.best is None or sign * value > sign * out.best:
                out.best = value
        elif state == TrialState.FAIL:
            out.attrs.append((number, "failure", '"synthetic failure"'))
    return out


def insert_trials(engine: Engine, rows: TrialRows) -> None:
    """Bulk-insert one study's trials and their child rows (one ``executemany`` per table)."""
    if not rows.trials:
        return
    study_id = rows.trials[0]["study_id"]
    first = rows.trials[0]["number"]
    with engine.begin() as conn:
        conn.execute(insert(om.TrialModel.__table__), rows.trials)
        ids = dict(
            conn.execute(
                select(om.TrialModel.number, om.TrialModel.trial_id).where(
                    om.TrialModel.study_id == study_id, om.TrialModel.number >= first
                )
            ).all()
        )
        finite = om.TrialValueModel.TrialValueType.FINITE
        step_finite = om.TrialIntermediateValueModel.TrialIntermediateValueType.FINITE
        batches = [
            (om.TrialParamModel, [{"trial_id": ids[n], "param_name": p, "param_value": v,
                                   "distribution_json": j} for n, p, v, j in rows.params]),
            (om.TrialValueModel, [{"trial_id": ids[n], "objective": 0, "value": v,
                                   "value_type": finite} for n, v in rows.values]),
            (om.TrialIntermediateValueModel,
             [{"trial_id": ids[n], "step": s, "intermediate_value": v,
               "intermediate_value_type": step_finite} for n, s, v in rows.intermediate]),
            (om.TrialUserAttributeModel, [{"trial_id": ids[n], "key": k, "value_json": j}
                                          for n, k, j in rows.attrs]),
        ]  # fmt: skip
        for model, batch in batches:
            if batch:
                conn.execute(insert(model.__table__), batch)


def study_state(engine: Engine, study_name: str) -> tuple[int, int]:
    """A study's id and its number of trials."""
    with engine.connect() as conn:
        study_id = conn.execute(
            select(om.StudyModel.study_id).where(om.StudyModel.study_name == study_name)
        ).scalar_one()
        count = conn.execute(
            select(func.count()).where(om.TrialModel.study_id == study_id)
        ).scalar_one()
    return study_id, count


def split(total: int, parts: int) -> list[int]:
    """``total`` shared as evenly as possible between ``parts`` (larger shares first)."""
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]


class Filler:
    """Grows the store's runs and trials (both phases use the same 100 runs)."""

    def __init__(self, store: Store, real_id: int) -> None:
        self.studio = store.studio
        self.url = store.studio.settings.database_url
        self.engine = optuna_storage(self.url).engine
        self.rng = random.Random(SEED)
        with session_scope(self.studio.engine) as session:
            real = session.get(Run, real_id)
            self.real = {"id": real.id, "config": dict(real.config), "study": real.study_name,
                         "version": real.dataset_version_id, "target": real.target,
                         "task": real.task, "metric": real.metric,
                         "started": real.finished_at or real.created_at}  # fmt: skip
        self.others: list[tuple[int, str, datetime]] = []  # (run id, study name, created)

    def add_trials(self, run_id: int, study_name: str, count: int, started: datetime) -> None:
        """Add ``count`` synthetic trials to a run's study and update its summary."""
        study_id, have = study_state(self.engine, study_name)
        rows = synthetic_trials(
            study_id, range(have, have + count), self.real["config"], self.rng, started
        )
        insert_trials(self.engine, rows)
        with session_scope(self.studio.engine) as session:
            run = session.get(Run, run_id)
            run.trials_done = have + count
            sign = 1 if METRICS[run.metric].greater_is_better else -1
            if rows.best is not None and (
                run.best_score is None or sign * rows.best > sign * run.best_score
            ):
                run.best_score = rows.best
                run.best_history = [*run.best_history, [run.search_seconds, rows.best]]

    def create_runs(self, counts: list[int]) -> None:
        """The other runs (finished, on the same data), with ``counts`` trials each."""
        base = datetime.now(UTC) - timedelta(days=len(counts) + 1)
        for i, count in enumerate(counts):
            name = f"studio-run-{uuid.uuid4().hex[:12]}"
            create_study(self.url, name, SEED)
            created = base + timedelta(days=i, minutes=self.rng.randint(0, 600))
            with session_scope(self.studio.engine) as session:
                run = Run(
                    dataset_version_id=self.real["version"], target=self.real["target"],
                    task=self.real["task"], metric=self.real["metric"], status="finished",
                    config=self.real["config"], study_name=name, created_at=created,
                    created_by=ACTOR, started_at=created + timedelta(seconds=2),
                    finished_at=created + timedelta(seconds=300),
                    search_seconds=round(self.rng.uniform(60, 290), 1),
                )  # fmt: skip
                session.add(run)
                session.flush()
                self.others.append((int(run.id), name, created))
            self.add_trials(int(run.id), name, count, created)

    def grow(self, real_total: int, others_total: int) -> None:
        """Add trials until the real run has ``real_total`` and the others ``others_total``."""
        _study, have = study_state(self.engine, self.real["study"])
        self.add_trials(self.real["id"], self.real["study"], real_total - have,
                        self.real["started"])  # fmt: skip
        wanted = split(others_total, len(self.others))
        for (run_id, name, created), want in zip(self.others, wanted, strict=True):
            _study, have = study_state(self.engine, name)
            self.add_trials(run_id, name, want - have, created + timedelta(minutes=1))

    def total_trials(self) -> int:
        """Trials in the whole store."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(om.TrialModel)).scalar_one()


def check_read_back(studio: Studio, run_id: int, expected: int, synthetic_from: int) -> str:
    """Load the run's study with Optuna and check the synthetic trials read back whole."""
    with session_scope(studio.engine) as session:
        name = session.get(Run, run_id).study_name
    study = optuna.load_study(
        study_name=name, storage=optuna_storage(studio.settings.database_url)
    )
    trials = study.get_trials(deepcopy=False)
    states = pd.Series([t.state.name for t in trials]).value_counts().to_dict()
    assert len(trials) == expected, (len(trials), expected)
    assert sorted(t.number for t in trials) == list(range(expected))
    for t in (t for t in trials if t.number >= synthetic_from):
        family = t.params["family"]
        assert all(k == "family" or k.startswith(f"{family}__") for k in t.params), t.params
        assert set(t.params) == set(t.distributions) and t.datetime_complete > t.datetime_start
        if t.state == TrialState.COMPLETE:
            assert t.value is not None and len(t.intermediate_values) == len(
                t.user_attrs["fold_scores"]
            )
            assert {"cv_std", "fold_scores", "family"} <= set(t.user_attrs)
        elif t.state == TrialState.PRUNED:
            assert t.value is None and t.intermediate_values
    return ", ".join(f"{states[k]:,} {k.lower()}" for k in sorted(states))


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """How often each step runs: untimed warm-up runs, then timed repetitions."""

    repeat: int
    warmup: int


@dataclass(frozen=True)
class Timing:
    """The best and every wall-clock time of one benchmarked step."""

    best: float
    all: tuple[float, ...]


def best_of(runs: Runs, step: Callable[[], Any]) -> Timing:
    """Time ``step`` ``runs.repeat`` times after ``runs.warmup`` untimed calls."""
    times = []
    for index in range(runs.warmup + runs.repeat):
        gc.collect()
        started = time.perf_counter()
        step()
        elapsed = time.perf_counter() - started
        if index >= runs.warmup:
            times.append(elapsed)
    return Timing(min(times), tuple(times))


@contextmanager
def repo_cwd() -> Iterator[None]:
    """Run with the repository as the working directory (pages link to ``pages/...``)."""
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def page_check(at: AppTest, expect: str) -> None:
    """Fail loudly when the page raised, showed an error or lacks ``expect``."""
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")
    errors = [e.value for e in at.error]
    if errors:
        raise RuntimeError(f"the page showed an error: {errors[0]}")
    shown = [e.value for e in (*at.subheader, *at.caption, *at.title)]
    if not any(expect in str(v) for v in shown):
        raise RuntimeError(f"the page does not show {expect!r}: {shown[:6]}")


def new_page(query: dict[str, str]) -> AppTest:
    """A new ``AppTest`` session on the Experiments page with ``query`` in its URL."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.switch_page(PAGE)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def time_page(
    runs: Runs, query: dict[str, str], expect: str, choose: Callable[[AppTest], Any] | None = None
) -> Timing:
    """Load the Experiments page with ``query`` (the warm-up), then time its reruns.

    ``choose``, if given, sets a widget after a first load (as a user's click would).
    """
    with repo_cwd():
        at = new_page(query)
        if choose is not None:
            at.run()
            choose(at)

        def step() -> None:
            at.run()
            page_check(at, expect)

        return best_of(runs, step)


def time_page_cold(query: dict[str, str], expect: str) -> float:
    """One first load of the page in a new AppTest session (not part of the targets)."""
    with repo_cwd():
        at = new_page(query)
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        page_check(at, expect)
        return elapsed


def first_view(views: dict[str, dict[str, str]], name: str) -> str:
    """A run-level stored view (``name``, else the first one there is)."""
    return views["all"].get(name) or next(iter(views["all"].values()))


def detail_core(studio: Studio, run_id: int) -> dict[str, Callable[[], Any]]:
    """The core calls the run page makes, as separately timed steps."""
    detail = run_detail(studio, run_id)
    history = first_view(stored_views(studio, detail), DEFAULT_VIEW)

    def everything() -> None:
        d = run_detail(studio, run_id)
        trial_table(studio, d)
        optuna_figure(first_view(stored_views(studio, d), DEFAULT_VIEW))

    return {
        "run_detail()": lambda: run_detail(studio, run_id),
        "trial_table()": lambda: trial_table(studio, detail),
        "stored_views()": lambda: stored_views(studio, detail),
        f"optuna_figure({DEFAULT_VIEW})": lambda: optuna_figure(history),
        "all four": everything,
    }


def analysis_breakdown(row: RunAnalysis) -> str | None:
    """Where the analysis spent its time, from the stored files' millisecond stamps (the
    child sends the trial table, then the views, then each candidate's diagnostics)."""
    stamps = [re.search(r"-(\d{13})\.\w+$", p) for p in (row.trials_artifact, row.views_artifact)]
    if not all(stamps):
        return None
    trials_at, views_at = (int(m.group(1)) / 1000 for m in stamps if m)
    end = as_utc(row.updated_at).timestamp()
    start = end - row.seconds
    return (
        f"reading the trials and the trial table {trials_at - start:.1f} s, Optuna's views "
        f"{views_at - trials_at:.1f} s, candidate diagnostics and explanations "
        f"{end - views_at:.1f} s"
    )


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    what: str
    size: str
    seconds: float
    target: float | None = TARGET

    def cells(self) -> tuple[str, ...]:
        """The row's printed cells."""
        if self.target is None:
            return (self.what, self.size, f"{self.seconds:.3f}", "-", "-")
        ok = "yes" if self.seconds < self.target else "NO"
        return (self.what, self.size, f"{self.seconds:.3f}", f"< {self.target:g} s", ok)


def print_table(rows: list[Row]) -> None:
    """A plain, aligned, pipe-separated table."""
    header = ("what", "rows/trials", "seconds (best of 3)", "target", "ok?")
    cells = [header] + [r.cells() for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print(
            " | ".join(
                c.rjust(w) if 1 < i < 3 else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            print("-+-".join("-" * w for w in widths))


def machine_info(studio: Studio) -> str:
    """One line describing the machine, the store and the library versions."""
    backend = "SQLite" if studio.settings.is_sqlite else "PostgreSQL"
    return (
        f"machine: {os.cpu_count()} cores, {platform.machine()}; Python "
        f"{platform.python_version()}, streamlit {st.__version__}, optuna {optuna.__version__}, "
        f"pandas {pd.__version__}; store: {backend}"
    )


def progress(text: str) -> None:
    """A progress line on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def list_steps(studio: Studio) -> dict[str, Callable[[], Any]]:
    """The runs-list queries timed: the default first page, a text search, a status filter."""
    return {
        "default": lambda: list_runs(studio, RunFilter()),
        "text search 'breast'": lambda: list_runs(studio, RunFilter(text="breast")),
        "status = finished": lambda: list_runs(studio, RunFilter(statuses=("finished",))),
    }


@dataclass
class Report:
    """Everything measured, in the order it is printed."""

    rows: list[Row]
    extra: list[Row]
    notes: list[str]
    analysis: Row | None = None
    list_ratio: tuple[float, float] = (math.nan, math.nan)  # core, page
    cold: dict[str, float] | None = None


def fill(store: Store, args: argparse.Namespace, runs: Runs, report: Report) -> Filler:
    """The real run, the other runs with 100 trials in all (the list timed there), then the
    bulk insert up to ``args.trials`` trials, read back with Optuna."""
    progress("real run (worker subprocess) ...")
    started = time.perf_counter()
    filler = Filler(store, real_run(store))
    real_id = filler.real["id"]
    real_trials = study_state(filler.engine, filler.real["study"])[1]
    with session_scope(store.studio.engine) as session:
        seconds = session.get(RunAnalysis, real_id).seconds
    report.notes.append(
        f"real run {real_id} ({real_trials} trials): {time.perf_counter() - started:.1f} s in "
        f"the worker, of which its own analysis {seconds:.1f} s"
    )

    progress(f"{args.runs - 1} more runs, {SMALL_TRIALS} trials in all ...")
    filler.create_runs(split(SMALL_TRIALS - real_trials, args.runs - 1))
    assert filler.total_trials() == SMALL_TRIALS
    small = f"{args.runs} runs, {SMALL_TRIALS} trials"
    core = best_of(runs, list_steps(store.studio)["default"])
    page = time_page(runs, {}, f"{args.runs:,} run(s)")
    report.rows += [Row("(a) runs list, core: default", small, core.best),
                    Row("(a) runs list, page (AppTest)", small, page.best)]  # fmt: skip

    progress(f"bulk-inserting trials up to {args.trials:,} ...")
    started = time.perf_counter()
    filler.grow(args.big_trials, args.trials - args.big_trials)
    total = filler.total_trials()
    assert total == args.trials, total
    report.notes.append(
        f"bulk insert of {total - SMALL_TRIALS:,} synthetic trials: "
        f"{time.perf_counter() - started:.1f} s"
    )
    states = check_read_back(store.studio, real_id, args.big_trials, real_trials)
    report.notes.append(f"read back with optuna.load_study: run {real_id} has {states}")
    return filler


def analyse(studio: Studio, run_id: int, trials: int, report: Report) -> None:
    """Recompute the big run's analysis (forked child, as a worker does) and time it once."""
    progress(f"analysis of the {trials:,}-trial run ...")
    started = time.perf_counter()
    status = analyze_run(studio, run_id)
    wall = time.perf_counter() - started
    with session_scope(studio.engine) as session:
        row = session.get(RunAnalysis, run_id)
    if status != "done":
        raise SystemExit(f"the analysis of run {run_id} {status}: {row.message}")
    report.analysis = Row(f"one-time analysis of run {run_id} (analyze_run, wall)",
                          f"run {run_id}, {trials:,} trials", wall, ANALYSIS_LIMIT)  # fmt: skip
    breakdown = analysis_breakdown(row)
    if breakdown:
        report.notes.append(f"the analysis ({row.seconds:.1f} s recorded): {breakdown}")
    for label, path in (("trial table", row.trials_artifact), ("views JSON", row.views_artifact)):
        size = studio.artifacts.path_of(path).stat().st_size
        report.notes.append(f"stored {label}: {size / 2**20:.2f} MB")


def time_views(
    studio: Studio, args: argparse.Namespace, runs: Runs, real_id: int, report: Report
) -> None:
    """(a) the runs list, (b) the big run, (c) the comparison, core then page; extras."""
    progress("timing ...")
    size = f"{args.runs} runs, {args.trials:,} trials"
    small_core, small_page = report.rows[0].seconds, report.rows[1].seconds
    core = {name: best_of(runs, step).best for name, step in list_steps(studio).items()}
    page = time_page(runs, {}, f"{args.runs:,} run(s)").best
    report.rows[1:1] = [Row(f"(a) runs list, core: {n}", size, t) for n, t in core.items()]
    report.rows.insert(len(core) + 2, Row("(a) runs list, page (AppTest)", size, page))
    report.list_ratio = (core["default"] / small_core, page / small_page)

    big = f"run {real_id}, {args.big_trials:,} trials"
    for name, step in detail_core(studio, real_id).items():
        target = TARGET if name == "all four" else None
        report.rows.append(Row(f"(b) run detail, core: {name}", big, best_of(runs, step).best,
                               target))  # fmt: skip
    query = {"run": str(real_id)}
    expect = f"Run {real_id}:"
    report.rows.append(Row("(b) run detail, page (AppTest)", big,
                           time_page(runs, query, expect).best))  # fmt: skip

    with session_scope(studio.engine) as session:
        ids = session.scalars(
            select(Candidate.id).where(Candidate.run_id == real_id).order_by(Candidate.rank)
        ).all()[:COMPARED]
    compared = {"compare": ",".join(map(str, ids))}
    heading = f"Comparing {len(ids)} candidates"
    report.rows += [
        Row("(c) comparison, core: compare()", f"{len(ids)} candidates",
            best_of(runs, lambda: compare(studio, list(ids))).best),
        Row("(c) comparison, page (AppTest)", f"{len(ids)} candidates",
            time_page(runs, compared, heading).best),
    ]  # fmt: skip

    detail = run_detail(studio, real_id)
    heavy = stored_views(studio, detail)["all"].get(HEAVY_VIEW)
    if heavy is not None:
        label = f"'{VIEW_LABELS[HEAVY_VIEW]}' view"
        choose = lambda at: at.radio(key="exp_view_all").set_value(HEAVY_VIEW)  # noqa: E731
        report.extra += [
            Row(f"run detail, core: optuna_figure({HEAVY_VIEW})", big,
                best_of(runs, lambda: optuna_figure(heavy)).best, None),
            Row(f"run detail, page (AppTest), {label} selected", big,
                time_page(runs, query, expect, choose).best),
        ]  # fmt: skip
    report.extra.append(
        Row("live trials, core: run_trials() (a run not analysed yet)", big,
            best_of(runs, lambda: run_trials(studio, detail.run)).best)
    )  # fmt: skip
    report.cold = {
        "runs list": time_page_cold({}, f"{args.runs:,} run(s)"),
        "run detail": time_page_cold(query, expect),
        "comparison": time_page_cold(compared, heading),
    }


def print_report(studio: Studio, args: argparse.Namespace, runs: Runs, report: Report) -> None:
    """The table, then the summary lines."""
    print()
    print(
        f"Experiments at scale: {args.runs} runs, {args.trials:,} Optuna trials (one run with "
        f"{args.big_trials:,}); server-side seconds, best of {runs.repeat} after "
        f"{runs.warmup} warm-up"
    )
    print(machine_info(studio))
    print()
    print_table(report.rows + ([report.analysis] if report.analysis else []))
    if report.extra:
        print()
        print("Beyond the three views (the heaviest stored view; the live path of a running run)")
        print_table(report.extra)
    print()
    print("Summary")
    core, page = report.list_ratio
    print(
        f"- Runs list with {args.trials:,} vs {SMALL_TRIALS} trials in the store (same "
        f"{args.runs} runs): core x{core:.2f}, page x{page:.2f} (1.0 = no growth)."
    )
    if report.cold:
        print(
            "- First load of each page in a new AppTest session (not held to the target): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in report.cold.items())
            + "."
        )
    for note in report.notes:
        print(f"- {note}.")


def run_benchmark(args: argparse.Namespace, home: Path) -> None:
    """Fill the store, analyse the big run, time every view and print the report."""
    began = time.perf_counter()
    runs = Runs(args.repeat, args.warmup)
    store = open_store(home, args.keep_store is not None)
    report = Report([], [], [])
    try:
        filler = fill(store, args, runs, report)
        real_id = filler.real["id"]
        analyse(store.studio, real_id, args.big_trials, report)
        time_views(store.studio, args, runs, real_id, report)
    finally:
        if args.keep_store is None:
            store.drop()
    print_report(store.studio, args, runs, report)
    print(f"- Total benchmark time: {time.perf_counter() - began:.0f} s.")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs in the store")
    parser.add_argument("--trials", type=int, default=DEFAULT_TRIALS, help="trials in all")
    parser.add_argument(
        "--big-trials", type=int, default=DEFAULT_BIG_TRIALS, help="trials of the detailed run"
    )
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed repetitions")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed warm-ups")
    parser.add_argument(
        "--keep-store", type=Path, help="build the store in this new folder and keep it"
    )
    args = parser.parse_args(argv)
    if args.runs < 2 or args.big_trials < SMALL_TRIALS or args.trials <= args.big_trials:
        parser.error("need 2+ runs and --trials > --big-trials >= 100")
    if args.trials - args.big_trials < args.runs - 1:
        parser.error("the other runs need at least one trial each")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark in a temporary store (or ``--keep-store``)."""
    args = parse_args(argv)
    if args.keep_store is not None:
        args.keep_store.mkdir(parents=True, exist_ok=False)
        run_benchmark(args, args.keep_store.resolve())
        return 0
    home = Path(tempfile.mkdtemp(prefix="studio-exp-bench-"))
    try:
        run_benchmark(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
