"""Optuna studies on Studio's own database: one study per run, created with the run."""

from __future__ import annotations

import os
import threading
import warnings

import optuna
from optuna.storages import RDBStorage

from studio.autopilot import target_transform
from studio.autopilot.families import prefixed_defaults

optuna.logging.set_verbosity(optuna.logging.WARNING)
# TPE's ``group`` option is marked experimental; it is what makes conditional spaces work well.
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

_storages: dict[str, RDBStorage] = {}
_lock = threading.Lock()


def optuna_storage(url: str) -> RDBStorage:
    """The process-wide Optuna storage on ``url`` (its tables are created on first use)."""
    with _lock:
        if url not in _storages:
            kwargs = (
                {"connect_args": {"timeout": 60}}
                if url.startswith("sqlite")
                else {"pool_pre_ping": True}
            )
            _storages[url] = RDBStorage(url, engine_kwargs=kwargs)
        return _storages[url]


def _fresh_pools_after_fork() -> None:
    """A forked search helper (``parallel``) must not share the parent's pooled database
    connections: its storages forget them without closing them (SQLAlchemy's recommended
    ``dispose(close=False)``)."""
    for storage in list(_storages.values()):
        storage.engine.dispose(close=False)


os.register_at_fork(after_in_child=_fresh_pools_after_fork)


def _sampler(seed: int) -> optuna.samplers.TPESampler:
    return optuna.samplers.TPESampler(
        seed=seed, multivariate=True, group=True, constant_liar=True, n_startup_trials=8
    )


def _pruner() -> optuna.pruners.BasePruner:
    # Fold-wise pruning: after each fold the running mean is compared with the median of
    # earlier trials at the same fold.
    return optuna.pruners.MedianPruner(n_startup_trials=6, n_warmup_steps=1)


def create_study(url: str, name: str, seed: int) -> optuna.Study:
    """A new maximising study named ``name``."""
    return optuna.create_study(
        storage=optuna_storage(url), study_name=name, direction="maximize",
        sampler=_sampler(seed), pruner=_pruner(),
    )  # fmt: skip


def load_study(url: str, name: str, seed: int) -> optuna.Study:
    """An existing study, with Studio's sampler (seeded) and pruner."""
    return optuna.load_study(
        storage=optuna_storage(url), study_name=name, sampler=_sampler(seed), pruner=_pruner()
    )


def fail_running_trials(study: optuna.Study, workers: set[str] | None = None) -> None:
    """Mark the study's RUNNING trials failed (completed ones stay): those of ``workers``
    (their ``worker`` attribute), or all of them, left by processes that ended mid-trial."""
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        if workers is None or trial.user_attrs.get("worker") in workers:
            study._storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)


def delete_study(url: str, name: str) -> None:
    """Remove a study and its trials (used when creating its run failed)."""
    optuna.delete_study(study_name=name, storage=optuna_storage(url))


def default_trials(families: list[str], task: str, transforms: tuple[str, ...]) -> list[dict]:
    """The known-good trials a run starts with (``enqueue_trial`` parameters), in order: each
    of ``families``' defaults (trial 0, the baseline, is the first), untransformed; when a
    target transform is searched (``transforms`` holds more than ``"none"``), the first
    family's defaults on the power-transformed target come second."""
    offered = len(transforms) > 1
    plain = {target_transform.PARAM: target_transform.NONE} if offered else {}
    trials = [prefixed_defaults(f, task) | plain for f in families]
    if offered and trials:
        trials.insert(1, trials[0] | {target_transform.PARAM: target_transform.POWER})
    return trials
