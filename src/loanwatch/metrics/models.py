"""The model registry: VAEP, xT and xG behind one interface, trained, versioned and rated in the store.

Every kind of model is a :class:`ModelKind`: its ``name`` (the store's ``models.kind``), its
``settings`` (what decides a training, known before it: seed, held-out share, library versions),
``train(actions, matches) -> Trained`` (the fitted model with its parameters, held-out quality and
training set), ``rate(model, actions, matches) -> frame`` (``VALUE_COLUMNS``: one row per action it
values), ``to_bytes`` / ``from_bytes`` (what ``models.blob`` holds) and the values it derives from
its own (xG gives xA). :data:`KINDS` lists them; :func:`train_and_store` and
:func:`rate_and_store` do the store's bookkeeping for all of them alike:

- a model keeps its version (same id, no new row) when the newest model of its kind was trained on
  the same actions (``training_set.fingerprint``) with the same settings; ``force`` saves a new
  version anyway;
- rating replaces the model's action values for every action in the store.

The computations themselves live in ``vaep/``, ``xt.py`` and ``xg.py`` (pure, DataFrames in and
out); only this module and ``compute.py`` take a ``Store``.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from loanwatch.metrics import xg, xt
from loanwatch.metrics.vaep import model as vaep
from loanwatch.metrics.vaep.games import in_order

if TYPE_CHECKING:
    from loanwatch.store.repository import Store

VALUE_COLUMNS = ["match_id", "action_id", "offensive", "defensive", "value"]
DEFAULT_SEED = 0
DEFAULT_HOLDOUT = 0.2  # share of the matches held out to measure a model's quality
# The training set, bounded: a store with more matches than this is trained on a seeded sample of
# this many matches (``training_sample``), so training memory and time do not grow with the store.
# ~600 matches are ~1M SPADL actions and ~15,000 shots: VAEP's and xG's held-out quality no
# longer moves with more (see docs/architecture.md, "Partitions").
TRAIN_MATCHES = 600


@dataclass(frozen=True)
class Trained:
    """A model just fitted, with what the store keeps beside it."""

    model: Any
    params: dict[str, Any]  # the settings and what the fit chose
    quality: dict[str, Any]  # held-out quality (JSON-ready)
    training_set: dict[str, Any]  # what it was trained on (the fingerprint is added when stored)


class ModelKind:
    """One kind of model; subclasses say how it is trained and how it rates actions."""

    name: ClassVar[str]
    label: ClassVar[str]  # as the reader knows it: VAEP, xT, xG
    # Matches rated at a time (bounds memory); None: all at once, when a rating reads the whole set.
    chunk_matches: ClassVar[int | None] = 200
    derives: ClassVar[tuple[str, ...]] = ()  # value kinds derived from this one's values

    def model_type(self) -> type:
        raise NotImplementedError

    def settings(self, *, seed: int, holdout: float) -> dict[str, Any]:
        raise NotImplementedError

    def train(self, actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int, holdout: float) -> Trained:
        raise NotImplementedError

    def rate(self, model: Any, actions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def derived_values(self, actions: pd.DataFrame, values: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Values derived from this kind's (named in ``derives``), in ``VALUE_COLUMNS``."""
        return {}

    def to_bytes(self, model: Any) -> bytes:
        """The model as stored in ``models.blob``: a pickle (the store only holds its own models)."""
        return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)

    def from_bytes(self, blob: bytes) -> Any:
        model = pickle.loads(blob)
        if not isinstance(model, self.model_type()):
            raise TypeError(f"not a {self.label} model: {type(model).__name__}")
        return model


def _competitions(actions: pd.DataFrame, matches: pd.DataFrame) -> dict[str, Any]:
    ids = sorted(int(m) for m in np.unique(actions["match_id"].to_numpy()))
    used = matches[matches["match_id"].isin(ids)]
    groups = (
        used.groupby(["competition", "season"]).size().reset_index(name="matches")
        if {"competition", "season"} <= set(used.columns)
        else pd.DataFrame()
    )
    return {"matches": ids, "actions": int(len(actions)), "competitions": groups.to_dict("records")}


class Vaep(ModelKind):
    name = "vaep"
    label = "VAEP"

    def model_type(self) -> type:
        return vaep.VaepModel

    def settings(self, *, seed: int, holdout: float) -> dict[str, Any]:
        return {
            "learner": "lightgbm",
            "tree_params": vaep.TREE_PARAMS,
            "seed": seed,
            "nb_prev_actions": 3,
            "holdout": holdout,
            "versions": vaep.library_versions(),
        }

    def train(self, actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int, holdout: float) -> Trained:
        quality = vaep.holdout_quality(actions, matches, seed=seed, holdout=holdout) if holdout > 0 else {}
        model = vaep.train_vaep(actions, matches, seed=seed)
        return Trained(
            model, self.settings(seed=seed, holdout=holdout), quality, _competitions(actions, matches)
        )

    def rate(self, model: Any, actions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
        return vaep.rate_vaep(model, actions, matches)


class ExpectedThreat(ModelKind):
    name = "xt"
    label = "xT"

    def model_type(self) -> type:
        from socceraction.xthreat import ExpectedThreat

        return ExpectedThreat

    def settings(self, *, seed: int, holdout: float) -> dict[str, Any]:
        return {**xt.PARAMS, "versions": vaep.library_versions()}  # no randomness, nothing held out

    def train(self, actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int, holdout: float) -> Trained:
        model = xt.train_xt(actions)
        params = self.settings(seed=seed, holdout=holdout)
        return Trained(model, params, xt.quality(model), _competitions(actions, matches))

    def rate(self, model: Any, actions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
        # xT values only successful passes, crosses and dribbles (NaN in socceraction): stored as 0,
        # since the others add no threat (action_values.value is NOT NULL).
        return xt.rate_xt(model, actions).fillna(0.0)


class ExpectedGoals(ModelKind):
    name = "xg"
    label = "xG"
    # A shot's direction of play is read from every shot of the set (xg._attacks_right): rated at once.
    chunk_matches = None
    derives = ("xa",)

    def model_type(self) -> type:
        return xg.XgModel

    def settings(self, *, seed: int, holdout: float) -> dict[str, Any]:
        import lightgbm
        import sklearn

        return {
            "holdout_fraction": holdout,
            "seed": seed,
            "versions": {"sklearn": sklearn.__version__, "lightgbm": lightgbm.__version__},
        }

    def train(self, actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int, holdout: float) -> Trained:
        """The values cover the training matches too (in-sample for those shots): they are what the
        reports show; the model's honest quality is the held-out one in ``quality``."""
        ids = sorted(int(m) for m in np.unique(actions["match_id"].to_numpy()))
        matches = matches[matches["match_id"].isin(ids)]
        model = xg.train_xg(actions, matches, holdout_fraction=holdout, seed=seed)
        quality = xg.evaluate(model, actions[actions["match_id"].isin(model.holdout_match_ids)])
        used = matches[matches["match_id"].isin(model.train_match_ids)]
        training_set = {
            "competitions": sorted(used["competition"].unique().tolist()),
            "seasons": sorted(used["season"].unique().tolist()),
            "matches": model.train_match_ids,
            "holdout_matches": model.holdout_match_ids,
        }
        settings = self.settings(seed=seed, holdout=holdout)
        return Trained(model, {**settings, **model.describe()}, json.loads(json.dumps(quality)), training_set)

    def rate(self, model: Any, actions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
        return xg.rate_xg(model, actions)

    def derived_values(self, actions: pd.DataFrame, values: pd.DataFrame) -> dict[str, pd.DataFrame]:
        # xA is credited to the pass that set a shot up, in the same shape as the other values.
        xa = xg.expected_assists(actions, values).rename(columns={"xa": "value"})
        return {"xa": xa.assign(offensive=xa["value"], defensive=0.0)[VALUE_COLUMNS]}


KINDS: dict[str, ModelKind] = {k.name: k for k in (Vaep(), ExpectedThreat(), ExpectedGoals())}


def kind(name: str) -> ModelKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown model kind {name!r}") from None


def model_from_bytes(name: str, blob: bytes) -> Any:
    """The fitted model of kind ``name`` from its stored blob."""
    return kind(name).from_bytes(blob)


# -- the store's bookkeeping ---------------------------------------------------------------------


def _fingerprint(actions: pd.DataFrame) -> str:
    """A hash of the training actions: the same data gives the same model, so no new version."""
    h = hashlib.sha256()
    for col in (
        "match_id",
        "action_id",
        "period_id",
        "time_seconds",
        "club_id",
        "start_x",
        "start_y",
        "end_x",
        "end_y",
        "type_id",
        "result_id",
        "bodypart_id",
    ):
        h.update(np.ascontiguousarray(actions[col].to_numpy(dtype=np.float64)).tobytes())
    return h.hexdigest()


def _comparable(params: dict[str, Any]) -> str:
    # Through JSON as the store keeps them (tuples become lists).
    return json.dumps(params, sort_keys=True)


def _version(store: Store, name: str, model_id: int) -> int | None:
    last = store.latest_model(name)
    return int(last["version"]) if last is not None and last["id"] == model_id else None


def training_sample(
    match_ids: Iterable[int], *, seed: int = DEFAULT_SEED, size: int = TRAIN_MATCHES
) -> list[int]:
    """The matches a training reads: all of them up to ``size``, else a seeded sample of ``size``
    (the same store gives the same sample)."""
    ids = sorted(int(m) for m in match_ids)
    if len(ids) <= size:
        return ids
    return sorted(int(m) for m in np.random.default_rng(seed).choice(ids, size=size, replace=False))


def train_and_store(
    store: Store,
    match_ids: Sequence[int] | None = None,
    *,
    kinds: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    holdout: float = DEFAULT_HOLDOUT,
    force: bool = False,
) -> dict[str, dict[str, Any]]:
    """Train each kind of model (all of :data:`KINDS`, or ``kinds``) on the store's actions (all
    matches up to ``TRAIN_MATCHES``, else a seeded sample of as many: :func:`training_sample`;
    or ``match_ids``) and save each as the next version of its kind.

    Idempotent: when the newest model of a kind was trained on the same actions with the same
    settings, it is kept (same id) instead of saving an identical new version; ``force`` saves a
    new version anyway. Returns {kind: {"model_id", "version", "new"}}.
    """
    available = store.matches_with_actions()
    ids = training_sample(available, seed=seed) if match_ids is None else [int(m) for m in match_ids]
    actions = store.actions_frame(ids)
    if actions.empty:
        raise ValueError("no SPADL actions in the store for these matches")
    actions = in_order(actions)
    matches = store.matches_frame()
    fingerprint = _fingerprint(actions)
    out: dict[str, dict[str, Any]] = {}
    for name in kinds if kinds is not None else list(KINDS):
        k = kind(name)
        settings = _comparable(k.settings(seed=seed, holdout=holdout))
        last = store.latest_model(name)
        if (
            not force
            and last is not None
            and last["training_set"].get("fingerprint") == fingerprint
            and _comparable({key: last["params"].get(key) for key in json.loads(settings)}) == settings
        ):
            out[name] = {"model_id": last["id"], "version": last["version"], "new": False}
            continue
        trained = k.train(actions, matches, seed=seed, holdout=holdout)
        training_set = {**trained.training_set, "fingerprint": fingerprint, "store_matches": len(available)}
        model_id = store.save_model(
            name, k.to_bytes(trained.model), training_set, trained.params, trained.quality
        )
        out[name] = {"model_id": model_id, "version": _version(store, name, model_id), "new": True}
    return out


def rate_and_store(store: Store, name: str) -> dict[str, Any]:
    """Rate every action in the store with the newest model of kind ``name`` and replace that
    model's action values. Returns {"model_id", "version", "actions"} (the values written)."""
    k = kind(name)
    last = store.latest_model(name)
    if last is None:
        raise ValueError(f"no {name} model in the store: train one first (loanwatch models train)")
    model = k.from_bytes(last["blob"])
    ids = sorted(store.matches_with_actions())
    matches = store.matches_frame()
    step = k.chunk_matches or max(1, len(ids))
    frames = [
        k.rate(model, store.actions_frame(ids[lo : lo + step]), matches) for lo in range(0, len(ids), step)
    ]
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VALUE_COLUMNS)
    store.save_action_values(int(last["id"]), values)  # checked against frames.ACTION_VALUES there
    return {"model_id": int(last["id"]), "version": int(last["version"]), "actions": int(len(values))}


# -- values of several kinds ---------------------------------------------------------------------


def player_match_values(actions_with_values: pd.DataFrame) -> pd.DataFrame:
    """Per player and match: VAEP offensive, defensive and total value, and xT, summed.

    Takes actions (match_id, player_id) with columns ``offensive``, ``defensive``,
    ``vaep`` and ``xt`` (see :func:`actions_with_values`); actions without a player are left out,
    and actions xT does not value (NaN) count as 0.
    """
    df = actions_with_values
    df = df[df["player_id"].notna()]
    out = (
        df.groupby(["match_id", "player_id"], sort=True)[["offensive", "defensive", "vaep", "xt"]]
        .sum(min_count=0)
        .reset_index()
    )
    out["player_id"] = out["player_id"].astype(np.int64)
    return out


def actions_with_values(actions: pd.DataFrame, vaep: pd.DataFrame, xt: pd.DataFrame) -> pd.DataFrame:
    """Actions with their VAEP (offensive, defensive, vaep) and xT (xt) values beside them."""
    a = actions
    v = vaep.rename(columns={"value": "vaep"})[["match_id", "action_id", "offensive", "defensive", "vaep"]]
    x = xt.rename(columns={"value": "xt"})[["match_id", "action_id", "xt"]]
    return a.merge(v, on=["match_id", "action_id"], how="left").merge(
        x, on=["match_id", "action_id"], how="left"
    )
