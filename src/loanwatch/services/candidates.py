"""The market's evidence on a decision card (issue 11): whom to sign instead of a loanee. The
players of the store closest to him by output (the search of ``market similar``: the per-90
percentile profile in the role, league-adjusted: ``SimilarService.output_space``, one index per
plan, on the profiles the depth chart read), of his role, not the owner's, at most
``market.plan.CANDIDATE_AGE_GAP`` years older, with a peer group's minutes; each with his figures
adjusted to the owner's league and ranked among the owner's players of the role as the depth chart
ranks a loanee (``market.depth.depth_chart``), and his source."""

from __future__ import annotations

from typing import Any

from loanwatch.market.depth import STAYS, DepthEntry, depth_chart
from loanwatch.market.plan import CANDIDATES, NO_FIGURES, NO_OUTPUT, NO_POOL, NO_ROLE, age_cap
from loanwatch.services.context import Context
from loanwatch.services.market import MarketService
from loanwatch.services.market_models import DepthChart
from loanwatch.services.models import CardCandidate, CardSource, SimilarFeature
from loanwatch.services.players import player_ref


def market_evidence(
    ctx: Context, chart: DepthChart
) -> dict[int, tuple[list[CardCandidate], CardSource | None, str | None]]:
    """Per loanee of the chart: whom to sign instead (CardCandidate, closest first), the search
    (a CardSource), or why there is no candidate (market/plan.py MISSING_CANDIDATES). One
    search index for the whole plan: the season's output percentiles (SimilarService
    .output_space, on the profiles the depth chart read)."""
    import numpy as np
    import pandas as pd

    from loanwatch.market import similarity as sim
    from loanwatch.metrics.league import adjust
    from loanwatch.services import market as market_service
    from loanwatch.services.similar import SimilarService

    market = MarketService(ctx)
    entries = [e for r in chart.roles for e in r.loanees if e.player_id is not None]
    if not entries:
        return {}
    prof = market._season_profiles(chart.last_season, chart.min_minutes)
    space = SimilarService(ctx).output_space(chart.last_season, chart.min_minutes, profiles=prof)
    frame, metrics = space.frame, space.metrics
    owner_ids = market._club_ids(chart.owner)
    owned = {e.player_id for r in chart.roles for e in (*r.squad, *r.loanees) if e.player_id is not None}
    players = {int(p["id"]): p for p in ctx.store.all_players()}
    clubs = {int(c["id"]): str(c["name"]) for c in ctx.store.all_clubs()}
    squads = {r.role: r.squad for r in chart.roles}
    cols = [f"{m}_mkt" for m in metrics]
    out: dict[int, tuple[list[CardCandidate], CardSource | None, str | None]] = {}
    for e in entries:
        pid = int(e.player_id)  # type: ignore[arg-type]
        if e.figures is None:
            out[pid] = ([], None, NO_FIGURES)
            continue
        if not e.role:
            out[pid] = ([], None, NO_ROLE)
            continue
        mine = frame.loc[frame["player_id"] == pid] if not frame.empty else frame
        if not metrics or mine.empty:
            out[pid] = ([], None, NO_OUTPUT)
            continue
        same = mine.loc[mine["competition"] == e.figures.competition]
        target = (same if not same.empty else mine).sort_values("minutes", ascending=False).iloc[0]
        cap = age_cap(e.age)
        pool = frame.loc[
            (frame["role"] == e.role)
            & (frame["minutes"] >= chart.min_minutes)
            & ~frame["player_id"].isin(owned)
            & ~frame["club_id"].isin(owner_ids)
        ]
        ages = [
            market_service._age(players.get(int(p), {}).get("birth_date"), chart.first_day)
            for p in pool["player_id"]
        ]
        pool = pool.assign(age=pd.Series(ages, index=pool.index, dtype="float"))
        if cap is not None:
            pool = pool.loc[pool["age"].notna() & (pool["age"] <= cap)]
        search = CardSource(
            what="search",
            params={
                "season": chart.last_season,
                "role": e.role,
                "age": cap,
                "his_age": e.age,
                "minutes": chart.min_minutes,
                "pool": len(pool),
                "peers": space.peers(e.role),
                "owner": chart.owner,
                "league": space.reference,
            },
        )
        to = target[cols].to_numpy(dtype=float)
        po = pool[cols].to_numpy(dtype=float)
        d = sim.output_distance(to, po) if len(pool) else np.array([])
        order: list[int] = []
        seen: set[int] = set()
        for i in (int(x) for x in np.argsort(d, kind="stable") if np.isfinite(d[x])):
            who = int(pool.iloc[i]["player_id"])
            if who not in seen:  # a player of two clubs in the season: his closest row only
                seen.add(who)
                order.append(i)
            if len(order) == CANDIDATES:
                break
        if not order:
            out[pid] = ([], search, NO_POOL)
            continue
        spread = np.nanstd(po, axis=0) if len(po) > 1 else np.ones(len(metrics))
        rows: list[tuple[Any, DepthEntry]] = []
        for i in order:
            row = pool.iloc[i]
            cid = int(row["player_id"])
            raw = prof.season.loc[
                (prof.season["player_id"] == cid) & (prof.season["competition"] == row["competition"])
            ]
            adjusted = adjust(raw, reference=chart.reference.league) if not raw.empty else raw
            figures = market_service._figures(adjusted, clubs, chart.reference.league, chart.min_minutes)
            ref = player_ref(players.get(cid, {"id": cid}))
            rows.append(
                (
                    row,
                    DepthEntry(
                        kind="candidate",
                        player_id=cid,
                        name=ref.display_name,
                        role=e.role,
                        status=STAYS,
                        reason="candidate",
                        term_reason=None,
                        age=None if row["age"] != row["age"] else int(row["age"]),
                        contract_end=None,
                        figures=figures,
                    ),
                )
            )
        ranked = depth_chart(squads.get(e.role, ()), [r[1] for r in rows], chart.owner)
        standings = {x.player_id: x for r in ranked for x in r.loanees}
        found = []
        for i, (row, entry) in zip(order, rows, strict=True):
            close, _apart = sim.explain(metrics, to, po[i], spread, floor=-1.0)
            standing = standings.get(entry.player_id, entry)
            f = standing.figures
            found.append(
                CardCandidate(
                    player=player_ref(players.get(int(row["player_id"]), {"id": int(row["player_id"])})),
                    club=clubs.get(int(row["club_id"]), "") if row["club_id"] == row["club_id"] else "",
                    competition=str(row["competition"]),
                    season=str(row["season"]),
                    role=e.role,
                    age=entry.age,
                    minutes=float(row["minutes"]),
                    output_distance=round(float(d[i]), 2),
                    close=[_similar_feature(c) for c in close],
                    standing=standing,
                    vaep_gap=_gap(f.vaep_p90 if f else None, e.figures.vaep_p90),
                    xgxa_gap=_gap(f.xgxa_weighted if f else None, e.figures.xgxa_weighted),
                    source=CardSource(
                        what="candidate",
                        params={
                            "name": entry.name,
                            "club": f.club if f else "",
                            "competition": str(row["competition"]),
                            "season": str(row["season"]),
                            "matches": int(row["matches"]),
                            "minutes": float(row["minutes"]),
                            "peers": space.peers(e.role),
                            "league": chart.reference.league,
                        },
                    ),
                )
            )
        out[pid] = (found, search, None)
    return out


def _gap(his: float | None, loanee: float | None) -> float | None:
    """A candidate's figure minus the loanee's (None when either is not known)."""
    return None if his is None or loanee is None else round(his - loanee, 3)


def _similar_feature(f: Any) -> SimilarFeature:
    return SimilarFeature(
        kind="output", key=f.key, group=f.group, target=round(f.target, 3), other=round(f.other, 3), gap=f.gap
    )
