"""Similar players (`market similar`): player vectors and output profiles on real matches (the
first three Serie A rounds of the sample), the stored counts against the box score, the filters,
the explanations, the page, the errors a user meets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import copy_store
from loanwatch.cli import app
from loanwatch.errors import InvalidInput, NotEnoughData
from loanwatch.market import similarity as sim
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS
from loanwatch.reports.similar import feature_text
from loanwatch.services import Context, Services

MIN = 150.0  # three rounds: at most 270 minutes


@pytest.fixture(scope="module")
def store(with_actions: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the three-round store (a query builds the counts: it writes)."""
    return copy_store(with_actions, tmp_path_factory.mktemp("similar") / "lw.db")


@pytest.fixture(scope="module")
def svc(store: Path) -> Services:
    return Services(Context.open(str(store)))


def test_counts_are_built_once_and_agree_with_the_box_score(svc: Services) -> None:
    first = svc.similar.refresh()
    assert (first.partitions, first.built) == (1, 1)
    assert svc.similar.refresh().built == 0  # nothing changed: kept
    counts, minutes = svc.ctx.store.style_counts_frame()
    apps = svc.ctx.store.appearances_frame()
    actions = svc.ctx.store.actions_frame()
    for name in ("Immobile", "Icardi", "Insigne"):
        ref = svc.players.resolve(name)
        shots = counts[(counts["player_id"] == ref.id) & (counts["group"] == "shot")]["count"].sum()
        penalties = (
            (actions["player_id"] == ref.id) & (actions["type_id"] == ACTION_TYPE_IDS["shot_penalty"])
        ).sum()
        mine = apps[apps["player_id"] == ref.id]
        # the shot map counts every shot but penalties: with them, the match sheets' shots
        assert shots + penalties == mine["shots"].sum(), name
        assert minutes[minutes["player_id"] == ref.id]["minutes"].sum() == pytest.approx(
            mine["minutes_played"].sum()
        )
    assert svc.ctx.store.style_signatures() == svc.ctx.store.stored_style_signatures()


def test_vectors_shape_nonnegative_and_per_90(svc: Services) -> None:
    counts, minutes = svc.ctx.store.style_counts_frame()
    minutes = minutes.reset_index(drop=True)
    key = {
        (s, p): i for i, (s, p) in enumerate(zip(minutes["season_id"], minutes["player_id"], strict=True))
    }
    counts["key"] = [key[(s, p)] for s, p in zip(counts["season_id"], counts["player_id"], strict=True)]
    per = minutes["minutes"]
    raw = sim.heatmap_matrix(counts, per, "pass", smooth=False)
    assert raw.shape == (len(minutes), sim.CELLS)
    one = int(np.argmax(per.to_numpy()))
    passes = counts[(counts["key"] == one) & (counts["group"] == "pass")]["count"].sum()
    assert raw[one].sum() == pytest.approx(passes * 90 / per[one])  # per 90 minutes
    heat = {g: sim.heatmap_matrix(counts, per, g) for g in sim.ACTION_GROUPS}
    model = sim.fit_style(heat)
    vectors = sim.style_vectors(model, heat)
    assert vectors.shape == (len(minutes), sum(sim.COMPONENTS.values()))
    assert (vectors >= 0).all() and all((c >= 0).all() for c in model.components.values())


def test_zones_follow_the_direction_of_play() -> None:
    assert sim.zone(100, 34) == ("box", "centre")
    assert sim.zone(60, 64) == ("middle_third", "left_wing")  # y grows towards the left touchline
    assert sim.zone(10, 3) == ("own_third", "right_wing")


def test_a_players_other_half_is_found_first() -> None:
    """The benchmark's measure on a clear case: two halves of a season close to each other, far
    from the others."""
    rng = np.random.default_rng(0)
    pool = rng.uniform(0, 5, size=(30, 8))
    queries = pool + rng.normal(0, 0.05, size=pool.shape)
    ranks = sim.retrieval_ranks(queries, pool, "manhattan")
    assert (ranks == 1).all() and sim.accuracy(ranks)["top1"] == 1.0
    played = pd.DataFrame(
        {
            "player_id": [1, 1, 1, 2, 2],
            "match_id": [3, 1, 2, 5, 4],
            "kickoff": pd.to_datetime(
                ["2017-09-03", "2017-08-20", "2017-08-27", "2017-09-10", "2017-08-20"]
            ),
        }
    )
    assert sim.season_halves(played).tolist() == [1, 0, 0, 1, 0]


def test_real_halves_find_each_other(with_actions: Path, tmp_path: Path) -> None:
    """benchmarks/similarity.py on three real rounds: Callejón's and Insigne's style in one half of
    their matches is nearest to their own style in the other half, both ways, among 154 players."""
    import importlib.util

    from loanwatch.store import Store, open_engine, resolve_store_url

    spec = importlib.util.spec_from_file_location(
        "bench", Path(__file__).parents[1] / "benchmarks" / "similarity.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    store = Store(open_engine(resolve_store_url(str(with_actions))))  # read only
    players, style, rest = bench.representations(bench.half_frames(store, "2017/18"), 80)
    assert len(players) == 154 and style["0"].shape == (154, sum(sim.COMPONENTS.values()))
    first = sim.retrieval_ranks(style["0"], style["1"], "manhattan")
    second = sim.retrieval_ranks(style["1"], style["0"], "manhattan")
    names = {int(p["id"]): p["short_name"] for p in store.all_players()}
    found = {names[p] for p, a, b in zip(players, first, second, strict=True) if a == b == 1}
    assert {"José Callejón", "L. Insigne"} <= found
    assert sim.accuracy(first)["top10"] > 0.4  # chance: 10 in 154


def test_similar_finds_and_explains(svc: Services) -> None:
    ref = svc.players.resolve("Insigne")
    result = svc.similar.similar(ref, min_minutes=MIN, top=5)
    assert result.target.player.id == ref.id and result.target.role == "winger"
    assert result.role == "winger" and result.competitions == ["Serie A"]
    for search in (result.style, result.output):
        assert len(search) == 5 and [c.rank for c in search] == [1, 2, 3, 4, 5]
        assert all(c.player.id != ref.id and c.role == "winger" and c.minutes >= MIN for c in search)
    assert [c.style_distance for c in result.style] == sorted(c.style_distance for c in result.style)
    distances = [c.output_distance for c in result.output]
    assert distances == sorted(distances)  # type: ignore[type-var]
    best = result.style[0]
    assert {f.kind for f in best.close} == {"style", "output"} and best.apart
    words = [feature_text("en", f.model_dump()) for f in best.close + best.apart]
    assert any(":" in w and ("third" in w or "penalty area" in w) for w in words), words
    assert any(w.endswith("per 90") for w in words), words
    assert feature_text("it", best.close[0].model_dump()) != feature_text("en", best.close[0].model_dump())


def test_filters(svc: Services) -> None:
    ref = svc.players.resolve("Insigne")
    young = svc.similar.similar(ref, min_minutes=MIN, max_age=23, role="any", top=50)
    assert young.style and all(c.age is not None and c.age <= 23 for c in young.style)
    assert len({c.role for c in young.style}) > 1  # every role
    fewer = svc.similar.similar(ref, min_minutes=250, role="any", top=500)
    more = svc.similar.similar(ref, min_minutes=MIN, role="any", top=500)
    assert 0 < fewer.pool < more.pool and all(c.minutes >= 250 for c in fewer.output)
    assert (
        svc.similar.similar(ref, min_minutes=MIN, competitions=["serie a"]).pool
        == svc.similar.similar(ref, min_minutes=MIN).pool
    )
    with pytest.raises(InvalidInput, match="no competition ligue 1"):
        svc.similar.similar(ref, min_minutes=MIN, competitions=["Ligue 1"])
    with pytest.raises(InvalidInput, match="unknown role"):
        svc.similar.similar(ref, min_minutes=MIN, role="libero")
    with pytest.raises(NotEnoughData, match="at least 900"):
        svc.similar.similar(ref)  # 285 minutes: not enough to be compared with the default


def test_cli_table_page_and_errors(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "page"
    args = ["market", "similar", "Insigne", "--min-minutes", "150", "--top", "1", "--store", str(store)]
    result = runner.invoke(app, [*args, "--out", str(out), "--lang", "it"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert (
        "By style" in result.output and "By output" in result.output and "Lorenzo Insigne" in result.output
    )
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 4  # a candidate of each search: radar, heatmaps
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(p.name in page for p in pngs) and "Giocatori simili a Lorenzo Insigne" in page
    few = runner.invoke(app, ["market", "similar", "Insigne", "--store", str(store)])
    assert few.exit_code == 1 and "at least 900 are needed" in few.output
    unknown = runner.invoke(app, ["market", "similar", "Nobody Atall", "--store", str(store)])
    assert unknown.exit_code == 1 and "no single player matches" in unknown.output
    bad = runner.invoke(app, [*args[:-2], "--competition", "Ligue 1", "--store", str(store)])
    assert bad.exit_code == 2 and "no competition" in bad.output
