"""Reads per player (issue 12): the stored per-season aggregates equal the season computed from
every per-match row, a player's figures are the same read either way, and the per-player read
path never asks the store for every row of a per-match table (checked on the real store's SQL, an
SQLAlchemy event hook)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event

from conftest import copy_store
from loanwatch.api import Loanwatch
from loanwatch.metrics.compute import (
    refresh_season_aggregates,
    season_reference,
    stored_profiles,
)
from loanwatch.metrics.goalkeeping import goalkeeper_season_profile
from loanwatch.services import Services

SEASON = "2017/18"


@pytest.fixture()
def store(trained_rounds: Path, tmp_path: Path) -> Path:
    return copy_store(trained_rounds, tmp_path / "lw.db")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    keys = ["competition_id", "season_id", "player_id"]
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert sorted(a.columns) == sorted(b.columns)
    pd.testing.assert_frame_equal(a, b[a.columns], check_dtype=False, check_exact=True)


@pytest.mark.parametrize("min_minutes", [900, 180])
def test_stored_aggregates_equal_the_season_from_every_row(store: Path, min_minutes: float) -> None:
    """`models train` stores each competition-season's aggregates; ranked, they are the season
    profiles (per 90, percentiles, roles, peer groups) computed from every per-match row, to the
    last bit, for any peer-group threshold; the goalkeepers' too."""
    lw = Loanwatch(str(store))
    seasons = sorted({int(s) for s in lw.store.matches_frame()["season_id"]})
    assert lw.store.seasons_with_aggregates(seasons) == set(seasons)  # written by models train
    whole = stored_profiles(lw.store, season_name=SEASON, min_minutes=min_minutes)
    assert whole is not None and whole.goalkeepers is not None
    season, keepers = season_reference(lw.store, seasons, min_minutes=min_minutes)
    _same(whole.season, season)
    assert len(season) > 300
    assert season["peer_group_size"].max() > (5 if min_minutes == 180 else -1)  # 3 rounds: 270 min at most
    expected = goalkeeper_season_profile(
        whole.goalkeepers, whole.matches, whole.season, min_minutes=min_minutes
    )
    _same(expected, keepers)
    assert len(keepers) >= 20  # every club's keeper


def test_refresh_rewrites_one_partition_and_an_old_store_reads_its_rows(store: Path) -> None:
    """refresh_season_aggregates replaces one competition-season's rows (what `update` calls after
    a matchday); a store trained before the aggregates (none stored) reads the same figures from
    its per-match stats."""
    lw = Loanwatch(str(store))
    matches = lw.store.matches_frame()
    competition_id, season_id = int(matches["competition_id"].iloc[0]), int(matches["season_id"].iloc[0])
    before, _ = season_reference(lw.store, [season_id])
    with lw.store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM season_player_totals")
        conn.exec_driver_sql("DELETE FROM season_goalkeeper_totals")
    assert lw.store.seasons_with_aggregates([season_id]) == set()
    _same(before, season_reference(lw.store, [season_id])[0])  # from the per-match rows
    assert refresh_season_aggregates(lw.store, competition_id, SEASON) == len(before)
    assert refresh_season_aggregates(lw.store, competition_id, SEASON) == len(before)  # replaced, not added
    _same(before, season_reference(lw.store, [season_id])[0])


# -- what the store is asked ------------------------------------------------------------------------

PER_MATCH = (
    "appearances",
    "events",
    "actions",
    "action_values",
    "player_match_stats",
    "goalkeeper_match_stats",
)


@contextmanager
def statements(lw: Loanwatch) -> Iterator[list[str]]:
    """Every SQL statement the store runs inside the block (an SQLAlchemy event on its engine)."""
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(lw.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(lw.store.engine, "before_cursor_execute", record)


def _tables(sql: str) -> set[str]:
    return set(re.findall(r"\b(?:FROM|JOIN) (\w+)", sql))


def whole_table_reads(seen: list[str]) -> list[str]:
    """The SELECTs of every row of the matches or a per-match table (no WHERE)."""
    return [
        sql
        for sql in seen
        if sql.startswith("SELECT") and _tables(sql) & {"matches", *PER_MATCH} and " WHERE " not in sql
    ]


def test_player_reads_his_rows_and_his_seasons_aggregates(store: Path) -> None:
    """`player NAME` with the profile (timelines, spell profiles, a keeper's profile): no read of
    a whole table, every per-match read filtered on him or his matches, his peers from the
    stored season aggregates (no other player's per-match row); the figures are the ones the
    whole season gives."""
    from loanwatch.metrics.profile import spell_profile
    from loanwatch.tracking.timeline import spell_window

    lw = Loanwatch(str(store))
    svc = Services(lw.ctx)
    whole = stored_profiles(lw.store, season_name=SEASON, min_minutes=180)
    assert whole is not None
    for name in ("Caldara", "Mandragora", "Meret"):
        ref = svc.players.resolve(name)
        lw.ctx.store_changed()
        with statements(lw) as seen:
            timelines = svc.tracking.timelines(ref)
            profiles = svc.metrics.spell_profiles(ref, min_minutes=180)
            keepers = svc.metrics.goalkeeper_profiles(ref, min_minutes=180)
        assert seen and whole_table_reads(seen) == []
        for sql in seen:
            tables = _tables(sql)
            if tables & {"player_match_stats", "goalkeeper_match_stats"} and "EXISTS" not in sql:
                assert "player_id IN" in sql, sql  # his rows only (EXISTS: is the store trained)
            if tables & {"appearances", "events", "actions", "action_values"}:
                assert "player_id" in sql or "match_id IN" in sql, sql
        # Meret did not play the first three rounds (injured): no profile, nothing more is read
        assert bool(profiles) == (name in ("Caldara", "Mandragora"))
        assert any("season_player_totals" in sql for sql in seen) == bool(profiles or keepers)
        # the same figures as the spell ranked against the whole season's every per-match row
        for entry in profiles:
            timeline = next(t for t in timelines if t.spell["id"] == entry.spell.id)
            start, end = spell_window(timeline.spell)
            expected = spell_profile(
                whole.match_stats,
                whole.matches,
                whole.roles,
                ref.id,
                start,
                end,
                min_minutes=180,
                season=whole.season,
            )
            got = entry.profile[expected.columns].reset_index(drop=True)
            pd.testing.assert_frame_equal(
                expected.reset_index(drop=True), got, check_dtype=False, check_exact=True
            )


def test_overview_reads_per_player_and_agrees_with_the_assessment_and_the_alerts(store: Path) -> None:
    """The portfolio overview: one line per loanee with the figures of his spell's assessment
    and his open alerts (the one judgment the report and the digest read); a coach gets no
    trigger; no whole table is read."""
    from loanwatch.access import Role
    from loanwatch.services import Context, User

    lw = Loanwatch(str(store))
    svc = Services(lw.ctx)
    with statements(lw) as seen:
        lines = svc.tracking.overview()
    assert whole_table_reads(seen) == []
    assert not any("season_match" in sql for sql in seen)
    refs = svc.portfolio.loanees()
    assert [o.player.id for o in lines] == [r.id for r in refs]
    day = svc.tracking.default_as_of()
    for line, ref in zip(lines, refs, strict=True):
        judged = svc.tracking.assessment(ref, day)
        assert judged is not None and line.as_of == day
        assert line.spell.id == judged.spell["id"] and line.host_club == judged.spell["host_club_name"]
        assert line.minutes_share == judged.availability.share
        assert line.trend == judged.trend.direction and line.verdict == judged.trend.verdict
        assert len(line.last_five) == min(5, judged.availability.matches)
        opened = [a.key for a in svc.tracking.player_alerts(ref, day) if a.status != "dismissed"]
        assert [a.key for a in line.open_alerts] == opened
    mandragora = next(o for o in lines if o.player.display_name.endswith("Mandragora"))
    assert mandragora.trigger_state is not None  # the director sees the option's state
    coach = Services(Context.open(str(store), user=User("mister", Role.COACH)))
    assert all(
        o.trigger is None and o.trigger_state is None and o.spell.terms is None
        for o in coach.tracking.overview()
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Figures from the models VAEP version 1, trained on"),
        ("it", "Dati calcolati con i modelli VAEP versione 1, addestrato il"),
        ("fr", "Chiffres issus des modèles VAEP version 1, entraîné le"),
    ],
)
def test_the_report_says_which_model_versions_its_figures_come_from(
    trained_rounds: Path, lang: str, words: str
) -> None:
    from loanwatch.reports.render import render_player_html

    svc = Services(Loanwatch(str(trained_rounds)).ctx)
    report = svc.reports.report(svc.players.resolve("Caldara"), edition="coach")
    versions = report.content["models"]["versions"]
    stored = {k: svc.metrics.latest_model(k) for k in ("vaep", "xt", "xg")}
    assert [(m["label"], m["version"]) for m in versions] == [
        (label, stored[k].version)  # type: ignore[union-attr]
        for k, label in (("vaep", "VAEP"), ("xt", "xT"), ("xg", "xG"))
    ]
    html = render_player_html(report.content, lang)
    assert words in html and "xT" in html and "xG" in html
