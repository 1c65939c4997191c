"""The search loop one worker runs for a run: ask Optuna, cross-validate in a child, tell.

Each trial is stopped when it would pass the run's search deadline or its own time limit (a
fit cannot be interrupted, so it runs in a child process that is killed), and pruned fold by
fold against earlier trials. The leader keeps the search deadline up to date, reserving time
for the final refits; helpers on other machines read it from the run row.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import optuna
from optuna.trial import FrozenTrial, TrialState

from studio.autopilot import target_transform, trial_cost
from studio.autopilot.evaluation import CvResult, TrainingData, cross_validate
from studio.autopilot.failures import TIME_LIMIT, failed_early
from studio.autopilot.families import FAMILIES
from studio.autopilot.metrics import search_value
from studio.autopilot.pipeline import CandidateSpec
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Run, RunEvent, utcnow

log = logging.getLogger(__name__)

MIN_TRIAL_SECONDS = 1.0
INTERRUPTED = "the worker was told to end during this trial"
PER_TRIAL_SHARE = 0.5  # default per-trial time limit: half the budget
ASK_LOCK_SECONDS = 30.0  # a helper killed while asking must not stall the others for ever


def oof_path(run_id: int, trial_number: int) -> str:
    """Where a trial's out-of-fold outputs are kept until the run is finalised."""
    return f"runs/{run_id}/oof/{trial_number}.npy"


@dataclass
class SearchSession:
    """One worker's part in a run's search."""

    studio: Studio
    run_id: int
    config: dict
    data: TrainingData
    study: optuna.Study
    lead: bool
    worker_id: str = ""
    started: float = field(default_factory=time.monotonic)
    run_started_wall: float = field(default_factory=time.time)
    _deadline: datetime | None = None
    _seen_complete: bool = False
    _skips: int = 0  # trials in a row not started for lack of time (``trial_cost``)
    # Shared by a leader and the helpers it forked (``parallel``): one of them asks at a time.
    ask_lock: Any = None
    threads: int | None = None  # OpenMP threads per fit (None: ``evaluation.fit_threads``)

    @property
    def seed(self) -> int:
        """The run's seed."""
        return int(self.config["seed"])

    @property
    def budget(self) -> float | None:
        return self.config.get("budget_seconds")

    def search(self) -> str:
        """Run trials until the deadline, the trial limit or a stop request; say which."""
        while True:
            reason = self._should_end()
            if reason:
                return reason
            self._one_trial()

    def _should_end(self) -> str | None:
        with session_scope(self.studio.engine) as session:
            run = session.get(Run, self.run_id)
            if run is not None and run.status == "failed":  # failed meanwhile (its worker died)
                return "lost"
            if run is None or run.stop_requested or run.status not in ("running", "stopping"):
                return "stopped"
            deadline = self._deadline = run.search_deadline
        if self._trial_limit_reached():
            return "max_trials"
        if not self._seen_complete:  # once a trial completed, the inputs are not broken
            trials = self.study.get_trials(deepcopy=False)
            self._seen_complete = any(t.state == TrialState.COMPLETE for t in trials)
            if failed_early(trials):
                return "every trial failed"
        if deadline is not None and utcnow() + timedelta(seconds=MIN_TRIAL_SECONDS) >= deadline:
            return "budget"
        if deadline is not None and self._no_time_for_any():
            self.event("The search ended early: no model family could finish a trial in the "
                       f"{self._seconds_left():.0f} s left before the refits.")  # fmt: skip
            return "budget"
        return None

    def _no_time_for_any(self) -> bool:
        if self._skips >= trial_cost.MAX_SKIPS:
            return True
        trials = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return trial_cost.none_fit(trials, self.config["families"], self._seconds_left())

    def keep_going(self) -> bool:
        """False once the run was asked to stop or left the search (asked while a trial runs,
        so that a stop ends the trial in flight instead of waiting for its time limit)."""
        with session_scope(self.studio.engine) as session:
            run = session.get(Run, self.run_id)
            return run is not None and not run.stop_requested and run.status == "running"

    def _finished_trials(self) -> int:
        states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
        return len(self.study.get_trials(deepcopy=False, states=states))

    def _trial_limit_reached(self) -> bool:
        """True when finished trials and those running elsewhere (other processes of the
        search) reach ``max_trials``: trials run at once never pass the limit together."""
        max_trials = self.config.get("max_trials")
        if not max_trials:
            return False
        running = self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        return self._finished_trials() + len(running) >= max_trials

    @contextmanager
    def _asking(self) -> Iterator[None]:
        """Hold the ask lock, if any: two processes popping the same queued trial at once
        (SQLite has no row locks) would both start it."""
        held = self.ask_lock is not None and self.ask_lock.acquire(timeout=ASK_LOCK_SECONDS)
        try:
            yield
        finally:
            if held:
                self.ask_lock.release()

    def _seconds_left(self) -> float:
        """Seconds to the search deadline read by the last ``_should_end``."""
        if self._deadline is None:
            return float("inf")
        return (self._deadline - utcnow()).total_seconds()

    def _one_trial(self) -> None:
        with self._asking():  # the limit is checked again where no other process can ask
            if self._trial_limit_reached():
                return
            trial = self.study.ask()
            trial.set_user_attr("worker", self.worker_id)
        family = trial.suggest_categorical("family", self.config["families"])
        params = FAMILIES[family].suggest(trial, self.data.task)
        params |= target_transform.suggest(trial, self.config.get("target_transforms", []))
        if self._skip_for_time(trial, family):
            return
        spec = CandidateSpec(family, params, self.data.task, int(self.config["seed"]))
        limit = self.config.get("per_trial_seconds") or (
            PER_TRIAL_SHARE * self.budget if self.budget else float("inf")
        )
        start = time.monotonic()
        deadline = start + min(self._seconds_left(), limit)
        scores: list[float] = []
        over_time: list[bool] = []

        def on_fold(index: int, value: float) -> bool:
            scores.append(search_value(self.data.metric, value))
            projected = start + (time.monotonic() - start) * len(self.data.folds) / (index + 1)
            if projected > deadline:  # stop now rather than be killed at the deadline
                over_time.append(True)
                return False
            trial.report(float(np.mean(scores)), step=index)
            return not trial.should_prune()

        try:
            outcome, result = cross_validate(
                self.data, spec, deadline, on_fold, self.keep_going, self.threads
            )
        except KeyboardInterrupt:  # the worker was told to end: its child is already killed
            trial.set_user_attr("failure", INTERRUPTED)
            self.study.tell(trial, state=TrialState.FAIL)
            raise
        label = f"Trial {trial.number} ({family})"
        if outcome.status == "done" and result is not None:
            self._complete(trial, family, result, label)
        elif outcome.status == "cancelled":
            trial.set_user_attr("stopped", True)
            self.study.tell(trial, state=TrialState.PRUNED)
            self.event(f"{label} was ended unfinished: the run is stopping.")
        elif outcome.status == "stopped" and not over_time:
            self.study.tell(trial, state=TrialState.PRUNED)
            self.event(f"{label} pruned after fold {len(scores)}.")
        elif outcome.status in ("timeout", "stopped"):
            trial.set_user_attr("failure", TIME_LIMIT)
            self.study.tell(trial, state=TrialState.FAIL)
            self.event(f"{label} stopped: it would have run past the time limit.", "warning")
        else:
            trial.set_user_attr("failure", outcome.error.strip().splitlines()[-1][:300])
            self.study.tell(trial, state=TrialState.FAIL)
            self.event(f"{label} failed: {trial.user_attrs['failure']}", "warning")
            log.warning("trial %s of run %s failed:\n%s", trial.number, self.run_id, outcome.error)
        self._record_progress()

    def _skip_for_time(self, trial: optuna.Trial, family: str) -> bool:
        """Tell ``trial`` failed, unstarted (TPE leaves failed trials out of its model), when
        its family is expected to pass the deadline."""
        done = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        left = self._seconds_left()
        if not trial_cost.too_slow(done, family, left):
            self._skips = 0
            return False
        needed = trial_cost.expected_seconds(done, family)
        self.event(f"Trial {trial.number} ({family}) not started: it would need about "
                   f"{needed:.0f} s and {max(left, 0):.0f} s are left.")  # fmt: skip
        trial.set_user_attr(trial_cost.SKIPPED, True)
        trial.set_user_attr("failure", trial_cost.NOT_STARTED)
        self.study.tell(trial, state=TrialState.FAIL)
        self._skips += 1
        return True

    def _complete(self, trial: optuna.Trial, family: str, result: CvResult, label: str) -> None:
        values = [search_value(self.data.metric, s) for s in result.scores]
        buffer = io.BytesIO()
        np.save(buffer, result.oof)
        self.studio.artifacts.write(
            oof_path(self.run_id, trial.number), lambda p: p.write_bytes(buffer.getvalue())
        )
        trial.set_user_attr("family", family)
        trial.set_user_attr("cv_std", float(np.std(result.scores)))
        trial.set_user_attr("fold_scores", [float(s) for s in result.scores])
        trial.set_user_attr("fit_seconds", result.fit_seconds)
        self.study.tell(trial, float(np.mean(values)))
        shown = float(np.mean(result.scores))
        self.event(
            f"{label}: {self.data.metric.label} {shown:.4f} ± {np.std(result.scores):.4f} "
            f"({result.fit_seconds:.2f} s per fold)."
        )

    def event(self, text: str, level: str = "info") -> None:
        """Add a line to the run's event log."""
        with session_scope(self.studio.engine) as session:
            session.add(RunEvent(run_id=self.run_id, level=level, message=text[:1000]))

    def _record_progress(self) -> None:
        complete = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        best = max((t.value for t in complete), default=None)
        sign = 1 if self.data.metric.greater_is_better else -1
        with session_scope(self.studio.engine) as session:
            run = session.get(Run, self.run_id)
            run.trials_done = self._finished_trials()
            if best is not None:
                shown = sign * best
                if run.best_score != shown:
                    elapsed = (utcnow() - run.started_at).total_seconds() if run.started_at else 0
                    run.best_history = [*run.best_history, [round(elapsed, 2), shown]]
                run.best_score = shown
            baseline = next((t for t in complete if t.number == 0), None)
            if baseline is not None:
                run.baseline_score = sign * baseline.value
            if self.lead:
                run.search_deadline = self.search_deadline(complete)

    def search_deadline(self, complete: list[FrozenTrial]) -> datetime | None:
        """Session start + budget, less the time the final refits are expected to need."""
        if self.budget is None:
            return None
        reserve = refit_reserve(complete, self.config, self.budget)
        end = self.run_started_wall + self.budget - reserve
        return utcnow() + timedelta(seconds=end - time.time())


def refit_reserve(complete: list[FrozenTrial], config: dict, budget: float) -> float:
    """Seconds to keep for refitting the best candidates on all training rows."""
    folds = int(config["folds"])
    top = sorted(complete, key=lambda t: t.value, reverse=True)[: int(config["top_k"])]
    per_fit = [t.user_attrs.get("fit_seconds", 0.0) * folds / (folds - 1) for t in top]
    estimate = 1.5 * sum(per_fit) + 2.0 + 0.03 * budget  # refits, ensemble, saving
    floor = 1.5 * per_fit[0] + 2.0 if per_fit else 0.15 * budget
    return min(max(estimate, floor, 0.1 * budget), max(floor, 0.4 * budget))
