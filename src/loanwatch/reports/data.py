"""A report's content as plain data, formatted from what the reports service gathered
(``source.ReportInputs``: the player resolved once, every read made by
``loanwatch.services.reports``), so that the reports read nothing themselves.

Everything a report shows comes from here: the player, his spells match by match, the season
profile against his role's peers, his shots with the stored xG, his actions, the form trend and
the alerts live on the report's date, scout notes, and the recommendation (``recommend.py``). No
words: the renderer translates.

Editions are roles (``loanwatch.access``): the coach's edition is what the coach may see (no
contract terms at all: loan type, fees, obligation trigger, recall clause, the loan list's notes,
alerts about those terms; the services left them out already), the director's edition what the
director sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from loanwatch import access
from loanwatch.domain import GOALKEEPER, AppearanceStatus
from loanwatch.portfolio.names import display_name, legal_name, normalize_name
from loanwatch.reports.recommend import Facts, recommend, trend_from_form
from loanwatch.reports.source import ProfileEntry, ReportInputs
from loanwatch.settings import MIN_MINUTES
from loanwatch.tracking.timeline import SpellTimeline

EDITIONS: tuple[str, ...] = tuple(access.EDITIONS)
# The season profile's metrics, grouped as the pizza colours them.
PROFILE_METRICS: tuple[tuple[str, str], ...] = (
    ("goals", "attack"),
    ("xg", "attack"),
    ("shots", "attack"),
    ("xa", "attack"),
    ("key_passes", "attack"),
    ("progressive_passes", "possession"),
    ("progressive_carries", "possession"),
    ("dribbles", "possession"),
    ("vaep", "possession"),
    ("duels_won", "defence"),
    ("aerials_won", "defence"),
    ("interceptions", "defence"),
    ("tackles", "defence"),
    ("recoveries", "defence"),
)
RECENT_MATCHES = 5
LAST_MATCHES_SHOWN = 8


def check_edition(edition: str) -> str:
    access.edition_role(edition)  # an unknown edition: ValueError
    return edition


def edition_sees_terms(edition: str) -> bool:
    """The edition's role may see contract terms (access.py): the director's."""
    return access.sees_terms(access.edition_role(edition))


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def edition_alerts(alerts: Any, edition: str) -> list[dict[str, Any]]:
    """The alerts a reader of this edition sees: not dismissed, and as the edition's role may see
    them (access.redact_alert: none about contract terms for the coach, no title that could name
    one, no terms in the evidence)."""
    role = access.edition_role(edition)
    out = []
    for a in alerts or []:
        if str(a.get("status", "open")) == "dismissed":
            continue
        seen = access.redact_alert(a, role)
        if seen is not None:
            out.append(seen)
    return out


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def read_warnings(raw: Any) -> list[dict[str, str]]:
    """Data-quality warnings as stored (``matches.warnings``: a JSON list of dicts with at least a
    ``code`` and a human ``message``, or legacy plain strings, one a line), as ``code`` + ``message``
    dicts; anything unreadable is kept as its text, never dropped."""
    import json

    if raw is None or raw == "" or raw == []:
        return []
    items: Any = raw
    if isinstance(raw, str):
        try:
            items = json.loads(raw)
        except ValueError:
            items = [line for line in raw.splitlines() if line.strip()]
    if isinstance(items, (str, Mapping)):
        items = [items]
    out = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, Mapping):
            code, message = str(item.get("code") or ""), str(item.get("message") or "")
            if code or message:
                out.append({"code": code, "message": message or code})
        elif str(item).strip():
            text = str(item).strip()
            legacy = "score_mismatch" if "differ from the sheet's score" in text else ""  # migration 0002
            out.append({"code": legacy, "message": text})
    return out


def nationality(player: Mapping[str, Any], national_teams: list[str]) -> tuple[str, str]:
    """The country the player represents (the national team he played for in the data, else his
    birth area, else his passport) and a second nationality where the data has one (passport and
    birth area differ), as area codes (or the provider's names when no code is known)."""
    from loanwatch.reports.i18n import area_code

    passport = area_code(player.get("passport_area")) or area_code(player.get("nationality"))
    born = area_code(player.get("birth_area"))
    team = next((area_code(a) for a in national_teams if area_code(a)), "")
    shown = team or born or passport or str(player.get("nationality") or "")
    second = next((c for c in (passport, born) if c and c != shown), "")
    return shown, second


def _terms(spell: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "parent_club": spell.get("parent_club") or "",
        "loan_type": spell.get("loan_type") or "",
        "option_fee": spell.get("option_fee_eur"),
        "obligation_fee": spell.get("obligation_fee_eur"),
        "trigger": spell.get("obligation_trigger") or "",
        "trigger_appearances": spell.get("trigger_appearances"),
        "recall_clause": spell.get("recall_clause") or "",
        "notes": spell.get("notes") or "",
    }


def _profile(entry: ProfileEntry) -> dict[str, Any]:
    row = entry.profile.iloc[0]
    return {
        "season": entry.season,
        "competition": str(row["competition"]),
        "role": str(row["role"]),
        "minutes": _float(row["minutes"]) or 0.0,
        "peers": int(row["peer_group_size"]),
        "qualified": bool(row["qualified"]),
        "factor": _float(row.get("league_factor")),
        "metrics": [
            {
                "key": key,
                "group": group,
                "p90": _float(row.get(f"{key}_p90")),
                "pct": _float(row.get(f"{key}_pct")),
                "adj": _float(row.get(f"{key}_p90_adj")),
            }
            for key, group in PROFILE_METRICS
        ],
    }


def _goalkeeper(entry: ProfileEntry) -> dict[str, Any]:
    """The goalkeeper block: his goalkeeping season figures against the keepers of his league
    (metrics/goalkeeping.py) and the shots on target he faced, for the chart."""
    from loanwatch.metrics.goalkeeping import GK_METRICS

    row = entry.profile.iloc[0]

    def f(key: str) -> float | None:
        return _float(row.get(key))

    shots = entry.shots if entry.shots is not None else pd.DataFrame()
    matches = entry.matches if entry.matches is not None else pd.DataFrame()
    return {
        "season": entry.season,
        "competition": str(row["competition"]),
        "minutes": f("minutes") or 0.0,
        "matches": int(row["matches"]),
        "peers": int(row["peer_group_size"]),
        "qualified": bool(row["qualified"]),
        "shots_faced": int(row["shots_faced"]),
        "saves": int(row["saves"]),
        "save_pct": f("save_pct"),
        "goals_conceded": int(row["goals_conceded"]),
        "goals_conceded_p90": f("goals_conceded_p90"),
        "own_goals": int(row["own_goals_conceded"]),
        "goals_from_shots": int(row["goals_from_shots"]),
        "penalties_faced": int(row["penalties_faced"]),
        "penalty_goals": int(row["penalty_goals"]),
        "xg_faced": f("xg_faced"),
        "goals_prevented_raw": f("goals_prevented"),
        "goals_prevented": f("goals_prevented_vs_peers"),
        "peer_goals_per_xg": f("peer_goals_per_xg"),
        "claims": int(row["claims"]),
        "sweeps": int(row["sweeps"]),
        "passes": int(row["passes"]),
        "long_passes": int(row["long_passes"]),
        "per_match": {
            int(m["match_id"]): {k: int(m[k]) for k in ("shots_faced", "saves", "goals_conceded")}
            for m in matches.to_dict("records")
        },
        "metrics": [
            {"key": key, "better": better, "value": f(key), "pct": f(f"{key}_pct")}
            for key, better in GK_METRICS
        ],
        "shots": [
            {
                "x": float(s["x"]),
                "y": float(s["y"]),
                "xg": _float(s["xg"]),
                "goal": bool(s["goal"]),
                "penalty": bool(s["penalty"]),
            }
            for s in shots.to_dict("records")
            if s["x"] == s["x"] and s["x"] is not None  # a corner scored directly has no shot action
        ],
    }


def _events(actions: pd.DataFrame, xg_values: pd.DataFrame) -> tuple[list[dict[str, Any]], ...]:
    """The player's shots (with stored xG) and on-ball actions, attacking left to right
    (``actions``: his SPADL actions, already left to right; ``xg_values``: match_id, action_id,
    value of the latest xG model)."""
    from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS, SHOT_TYPES, SUCCESS

    if actions.empty:
        return [], []
    success = SUCCESS
    defensive_types = {ACTION_TYPE_IDS["tackle"], ACTION_TYPE_IDS["interception"]}
    shots = actions[actions["type_id"].isin(list(SHOT_TYPES)) & (actions["period_id"] != 5)]
    xg: dict[tuple[int, int], float] = {}
    if not xg_values.empty and not shots.empty:
        xg = {
            (int(m), int(a)): float(v)
            for m, a, v in xg_values[["match_id", "action_id", "value"]].itertuples(index=False)
        }
    shot_rows: list[dict[str, Any]] = [
        {
            "match_id": int(g),
            "x": float(x),
            "y": float(y),
            "goal": int(r) == success,
            "xg": xg.get((int(g), int(a))),
        }
        for g, a, x, y, r in shots[["match_id", "action_id", "start_x", "start_y", "result_id"]].itertuples(
            index=False
        )
    ]
    action_rows = [
        {"x": float(x), "y": float(y), "defensive": int(t) in defensive_types}
        for x, y, t in actions[["start_x", "start_y", "type_id"]].itertuples(index=False)
    ]
    return shot_rows, action_rows


# -- what the reports service reads first (the order of a report's reads) ---------------------------


def report_date(
    timelines: Sequence[SpellTimeline], last_seen: date | None, data_as_of: date | None, as_of: date | None
) -> date | None:
    """The date a report is as of. Without --as-of: its latest match in the data (ages, "loan
    ended"), not today, so an old data set is not read as if the seasons since had passed unseen.
    A player outside the loan list: as of his own last match in the data; a loan without match
    data: as of the data's last day (``data_as_of``)."""
    kickoffs = [ln.kickoff.date() for t in timelines for ln in t.lines if ln.match_id is not None]
    latest = max(kickoffs) if kickoffs else last_seen
    if latest is None and timelines:
        latest = data_as_of
    return as_of or (min(date.today(), latest) if latest else None)


def current_timeline(timelines: Sequence[SpellTimeline]) -> SpellTimeline | None:
    """The spell a report is about: the last one with match data, else the last one."""
    with_data = [t for t in timelines if t.has_data]
    return with_data[-1] if with_data else (timelines[-1] if timelines else None)


def is_keeper(player: Mapping[str, Any], profiles: Sequence[ProfileEntry]) -> bool:
    """A goalkeeper's report: his profile's role (the current spell's), else his registered role."""
    if profiles:
        return str(profiles[-1].profile.iloc[0]["role"]) == GOALKEEPER
    return player.get("role") == "GK"


def played_match_ids(timeline: SpellTimeline) -> list[int]:
    """The matches of a spell he took the pitch in (the shot and action maps)."""
    return [
        int(ln.match_id)
        for ln in timeline.lines
        if ln.match_id is not None and ln.status in (AppearanceStatus.STARTED, AppearanceStatus.CAME_ON)
    ]


def player_report_data(
    inputs: ReportInputs, *, as_of: date | None = None, min_minutes: float = MIN_MINUTES
) -> dict[str, Any]:
    """The report's content from what the reports service gathered (``inputs``)."""
    edition = check_edition(inputs.edition)
    show_terms = edition_sees_terms(edition)
    player = inputs.player
    timelines = inputs.timelines
    last_seen = inputs.last_seen
    report_date = inputs.report_date
    warnings = {mid: read_warnings(raw) for mid, raw in inputs.match_warnings.items()}
    spells = []
    for t in timelines:
        s = t.spell
        lines = [
            {
                "match_id": ln.match_id,
                "kickoff": ln.kickoff,
                "opponent": ln.opponent,
                "home": ln.home,
                "result": ln.result,
                "status": ln.status.value,
                "minutes": ln.minutes,
                "match_minutes": ln.match_minutes,
                "goals": ln.goals,
                "assists": ln.assists,
                "shots": ln.shots,
                "passes": ln.passes,
                "passes_accurate": ln.passes_accurate,
                "warnings": warnings.get(ln.match_id, []) if ln.match_id is not None else [],
            }
            for ln in t.lines
        ]
        recent, earlier = t.lines[-RECENT_MATCHES:], t.lines[:-RECENT_MATCHES]

        def share(part: Any) -> float | None:
            available = sum(ln.match_minutes for ln in part)
            return sum(ln.minutes for ln in part) / available if available else None

        spells.append(
            {
                "id": int(s["id"]),
                "host_club": s["host_club_name"],
                "owner": s.get("parent_club") or "",
                "competition": s["competition_name"],
                "warnings": read_warnings(s.get("warnings")),
                "start": s["start_date"],
                "end": s["end_date"],
                "has_data": t.has_data,
                "matches": len(t.lines),
                "appearances": t.appearances,
                "starts": t.starts,
                "came_on": t.count(AppearanceStatus.CAME_ON),
                "unused": t.count(AppearanceStatus.UNUSED),
                "not_in_squad": t.count(AppearanceStatus.NOT_IN_SQUAD),
                "ineligible": t.count(AppearanceStatus.INELIGIBLE),
                "minutes": t.minutes,
                "available_minutes": t.available_minutes,
                "share": t.minutes / t.available_minutes if t.available_minutes else None,
                "recent_share": share(recent) if len(t.lines) > RECENT_MATCHES else None,
                "earlier_share": share(earlier) if earlier else None,
                "goals": t.goals,
                "assists": t.assists,
                "lines": lines,
                "last_lines": lines[-LAST_MATCHES_SHOWN:],
                "terms": _terms(s) if show_terms else None,
            }
        )
    with_data = [s for s in spells if s["has_data"]]
    current = with_data[-1] if with_data else (spells[-1] if spells else None)

    profile = None
    if current is not None and inputs.profiles:
        entry = inputs.profiles[-1]
        profile = _profile(entry)
        ref = entry.reference
        profile["reference"] = {
            "league": getattr(ref, "league", "Serie A"),
            "source": getattr(ref, "source", "default"),
            "owner": getattr(ref, "owner_club", ""),
            "owner_league": getattr(ref, "owner_league", ""),
        }

    goalkeeper = None
    if current is not None and is_keeper(player, inputs.profiles) and inputs.goalkeeper:
        goalkeeper = _goalkeeper(inputs.goalkeeper[-1])

    shots: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    if current is not None and goalkeeper is None:
        shots, actions = _events(inputs.actions, inputs.xg)
    xg_values = [s["xg"] for s in shots if s["xg"] is not None]

    # One judgment of the current spell (tracking/assessment.py) for the form section and the
    # recommendation; the alerts come from the same rules on the same data.
    judged = inputs.judged if current is not None else None
    if judged is not None:
        form: Any = {
            **judged.form_dict(),
            "as_of": report_date,
            "club": judged.spell["host_club_name"],
            "spell_id": judged.spell["id"],
        }
    else:
        form = dict(inputs.form) if inputs.form is not None else None
    alerts = edition_alerts([a for a in inputs.alerts if a.get("active", True)], edition)
    notes = [{"author": n["author"], "written_on": n["written_on"], "text": n["text"]} for n in inputs.notes]

    age = _age(player.get("birth_date"), report_date) if report_date else None
    facts = None
    ranked = goalkeeper or profile  # a keeper is judged on his goalkeeping profile, never on xG / xA
    if current is not None and current["has_data"]:
        avail = judged.availability if judged is not None else None
        facts = Facts(
            as_of=report_date or date.today(),
            age=age,
            matches=avail.matches if avail else current["matches"],
            appearances=avail.appearances if avail else current["appearances"],
            starts=avail.starts if avail else current["starts"],
            minutes=avail.minutes if avail else current["minutes"],
            available_minutes=avail.available_minutes if avail else current["available_minutes"],
            recent_share=avail.recent_share if avail else current["recent_share"],
            earlier_share=avail.earlier_share if avail else current["earlier_share"],
            role=GOALKEEPER if goalkeeper else profile["role"] if profile else None,
            percentiles={m["key"]: m["pct"] for m in ranked["metrics"] if m["pct"] is not None}
            if ranked
            else {},
            peers=ranked["peers"] if ranked else 0,
            qualified=ranked["qualified"] if ranked else False,
            competition=ranked["competition"] if ranked else current["competition"],
            form_trend=trend_from_form(form),
            spell_end=current["end"],
            trigger_appearances=current["terms"]["trigger_appearances"] if current["terms"] else None,
            open_alerts=len(alerts),
            critical_alerts=sum(1 for a in alerts if str(a.get("severity")) == "critical"),
            trend_direction=judged.trend.direction if judged else None,
            trend_source=judged.trend.source if judged else None,
            trigger_state=judged.trigger.state if judged else None,
            trigger_count=judged.trigger.count if judged and judged.trigger.target else None,
            season_over=judged.calendar.season_over if judged else False,
            ends_with_season=judged.calendar.ends_with_season if judged else True,
            show_terms=show_terms,
            goalkeeper=goalkeeper,
        )
    xg_model = inputs.xg_model
    shown, second = nationality(player, list(inputs.national_teams))
    full = legal_name(player)
    known_as = display_name(player)
    if spells:
        reason = None
    elif profile is None and current is None:
        reason = "not_in_portfolio"
    else:
        reason = None
    trained = inputs.trained
    return {
        "edition": edition,
        "min_minutes": min_minutes,
        "as_of": as_of,
        "report_date": report_date,
        "generated": datetime.now(),
        "player": {
            "id": int(player["id"]),
            "name": known_as,
            "full_name": full if full and normalize_name(full) != normalize_name(known_as) else "",
            "birth_date": player.get("birth_date"),
            "age": age,
            "foot": player.get("foot") or "",
            "height_cm": player.get("height_cm"),
            "nationality": shown,
            "second_nationality": second,
            "last_match": last_seen,
            "coarse_role": player.get("role") or "",
        },
        "spells": spells,
        "in_portfolio": inputs.in_portfolio,
        "no_profile_reason": reason,
        "current": current,
        "profile": profile,
        "goalkeeper": goalkeeper,
        "shots": shots,
        "shots_summary": {
            "n": len(shots),
            "goals": sum(1 for s in shots if s["goal"]),
            "xg": sum(xg_values) if xg_values else None,
        },
        "actions": actions,
        "defensive_actions": sum(1 for a in actions if a["defensive"]),
        "form": form,
        "assessment": dict(inputs.shown_assessment)
        if judged is not None and inputs.shown_assessment
        else None,
        "alerts": alerts,
        "notes": notes,
        "recommendation": recommend(facts) if facts is not None else None,
        "models": {
            "trained": trained,
            "xg": {"version": xg_model["version"], "trained_at": xg_model["trained_at"]}
            if xg_model
            else None,
            "versions": [dict(m) for m in inputs.model_versions],
        },
    }
