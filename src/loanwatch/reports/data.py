"""A report's content as plain data, gathered through the API (``loanwatch.api.Loanwatch``, passed in:
``source.ReportSource`` lists what is read, so the reports never import the API).

Everything a report shows comes from here: the player, his spells match by match
(``player_timelines``), the season profile against his role's peers (``spell_profiles``), his shots
with the stored xG (``actions_frame`` + the latest ``xg`` model's ``action_values``), his actions,
the form trend and open alerts of the tracking module (``Loanwatch.form`` / ``player_alerts`` when
they exist), scout notes, and the recommendation (``recommend.py``). No words: the renderer
translates.

Editions: ``coach`` carries no contract terms at all (loan type, fees, obligation trigger, recall
clause, the loan list's notes, and alerts about those terms are left out here, so no template can
show them); ``director`` carries them.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from loanwatch.domain import GOALKEEPER, AppearanceStatus
from loanwatch.portfolio.names import display_name, legal_name, normalize_name
from loanwatch.reports.recommend import Facts, recommend, trend_from_form
from loanwatch.reports.source import ReportSource
from loanwatch.settings import MIN_MINUTES

EDITIONS: tuple[str, ...] = ("coach", "director")
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
# Alerts about contract terms stay out of the coach's edition (their kind names the term); of the
# others, the coach's edition shows the tracking module's own title only for these kinds (a
# loan-ending alert's title names the option fee, for one).
TERM_WORDS = ("trigger", "obligation", "option", "fee", "clause", "contract", "buy", "recall")
COACH_TITLE_KINDS = frozenset(
    {"minutes_collapse", "out_of_squad", "not_starting", "role_change", "breakout", "slump"}
)
# Evidence the coach's edition does not carry (the alert's words are written from the evidence).
COACH_HIDDEN_EVIDENCE = frozenset({"fee_eur", "loan_type", "trigger", "clause", "counts_as"})
RECENT_MATCHES = 5
LAST_MATCHES_SHOWN = 8


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: coach or director")
    return edition


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _call(method: Any, lang: str, *args: Any) -> Any:
    """Call a tracking-module API method, passing the report language when it takes one."""
    try:
        takes_lang = "lang" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        takes_lang = False
    return method(*args, lang=lang) if takes_lang else method(*args)


def is_term_alert(alert: Mapping[str, Any]) -> bool:
    kind = str(alert.get("kind", "")).lower()
    return any(w in kind for w in TERM_WORDS)


def edition_alerts(alerts: Any, edition: str) -> list[dict[str, Any]]:
    """The alerts a reader of this edition sees: not dismissed; for the coach, none about contract
    terms, and the title only where it cannot carry one."""
    out = []
    for a in alerts or []:
        if str(a.get("status", "open")) == "dismissed":
            continue
        if edition != "director" and is_term_alert(a):
            continue
        row = dict(a)
        if edition != "director":
            if str(row.get("kind")) not in COACH_TITLE_KINDS:
                row["title"] = ""
            evidence = row.get("evidence")
            if isinstance(evidence, Mapping):  # the alert's words are written from it: no terms
                row["evidence"] = {k: v for k, v in evidence.items() if k not in COACH_HIDDEN_EVIDENCE}
        out.append(row)
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


def _profile(entry: Mapping[str, Any]) -> dict[str, Any]:
    row = entry["profile"].iloc[0]
    return {
        "season": entry["season"],
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


def _goalkeeper(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The goalkeeper block: his goalkeeping season figures against the keepers of his league
    (metrics/goalkeeping.py) and the shots on target he faced, for the chart."""
    from loanwatch.metrics.goalkeeping import GK_METRICS

    row = entry["profile"].iloc[0]

    def f(key: str) -> float | None:
        return _float(row.get(key))

    shots = entry["shots"]
    return {
        "season": entry["season"],
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
            for m in entry["matches"].to_dict("records")
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


def _events(lw: ReportSource, player_id: int, match_ids: list[int]) -> tuple[list[dict[str, Any]], ...]:
    """The player's shots (with stored xG) and on-ball actions, attacking left to right."""
    if not match_ids:
        return [], []
    from loanwatch.metrics.profile import SHOT_TYPES
    from loanwatch.metrics.roles import left_to_right
    from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS, SUCCESS

    actions = lw.store.actions_frame(match_ids)
    if actions.empty:
        return [], []
    actions = actions[actions["player_id"] == player_id]
    if actions.empty:
        return [], []
    matches = lw.store.matches_frame()
    actions = left_to_right(actions, matches[matches["match_id"].isin(match_ids)])
    success = SUCCESS
    defensive_types = {ACTION_TYPE_IDS["tackle"], ACTION_TYPE_IDS["interception"]}
    shots = actions[actions["type_id"].isin(list(SHOT_TYPES)) & (actions["period_id"] != 5)]
    xg: dict[tuple[int, int], float] = {}
    model = lw.store.latest_model("xg")
    if model is not None and not shots.empty:
        values = lw.store.action_values_frame(int(model["id"]))
        values = values[values["match_id"].isin(match_ids)]
        xg = {
            (int(m), int(a)): float(v)
            for m, a, v in values[["match_id", "action_id", "value"]].itertuples(index=False)
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


def player_report_data(
    lw: ReportSource,
    name: str,
    *,
    as_of: date | None = None,
    edition: str = "coach",
    lang: str = "en",
    min_minutes: float = MIN_MINUTES,
    reference_league: str | None = None,
) -> dict[str, Any]:
    check_edition(edition)
    player = lw.find_player(name)
    timelines = lw.player_timelines(name, as_of)
    # Without --as-of the report is as of its latest match in the data (ages, "loan ended"), not
    # of today: an old data set is not read as if the seasons since had passed unseen. A player
    # outside the loan list: as of his own last match in the data.
    kickoffs = [ln.kickoff.date() for t in timelines for ln in t.lines if ln.match_id is not None]
    last_seen = lw.store.player_last_match_date(int(player["id"]))
    if kickoffs:
        latest: date | None = max(kickoffs)
    else:
        latest = last_seen
    if latest is None and timelines and hasattr(lw, "_tracker"):
        latest = lw._tracker().default_as_of()  # a loan without match data: as of the data's last day
    report_date = as_of or (min(date.today(), latest) if latest else None)
    all_ids = [ln.match_id for t in timelines for ln in t.lines if ln.match_id is not None]
    warnings = {mid: read_warnings(raw) for mid, raw in lw.store.match_warnings(all_ids).items()}
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
                "terms": _terms(s) if edition == "director" else None,
            }
        )
    with_data = [s for s in spells if s["has_data"]]
    current = with_data[-1] if with_data else (spells[-1] if spells else None)

    profile = None
    if current is not None and lw.store.latest_model("vaep"):
        entries = [
            e
            for e in lw.spell_profiles(name, as_of=as_of, min_minutes=min_minutes, reference=reference_league)
            if int(e["spell"]["id"]) == current["id"]
        ]
        if entries:
            profile = _profile(entries[-1])
            ref = entries[-1].get("reference")
            profile["reference"] = {
                "league": getattr(ref, "league", "Serie A"),
                "source": getattr(ref, "source", "default"),
                "owner": getattr(ref, "owner_club", ""),
                "owner_league": getattr(ref, "owner_league", ""),
            }

    goalkeeper = None
    is_keeper = profile["role"] == GOALKEEPER if profile else player.get("role") == "GK"
    if current is not None and is_keeper and hasattr(lw, "goalkeeper_profiles"):
        keeper_entries = [
            e
            for e in lw.goalkeeper_profiles(name, as_of=as_of, min_minutes=min_minutes)
            if int(e["spell"]["id"]) == current["id"]
        ]
        if keeper_entries:
            goalkeeper = _goalkeeper(keeper_entries[-1])

    shots: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    if current is not None and goalkeeper is None:
        played = [ln["match_id"] for ln in current["lines"] if ln["status"] in ("started", "came_on")]
        shots, actions = _events(lw, int(player["id"]), played)
    xg_values = [s["xg"] for s in shots if s["xg"] is not None]

    # One judgment of the current spell (tracking/assessment.py) for the form section and the
    # recommendation; the alerts come from the same rules on the same data.
    judged = None
    if current is not None and hasattr(lw, "assessment"):
        judged = lw.assessment(name, report_date, current["id"])
    if judged is not None:
        form: Any = {
            **judged.form_dict(),
            "as_of": report_date,
            "club": judged.spell["host_club_name"],
            "spell_id": judged.spell["id"],
        }
    else:
        form = _call(lw.form, lang, name, as_of) if hasattr(lw, "form") else None
    alerts: list[dict[str, Any]] = []
    if hasattr(lw, "player_alerts"):
        live = [a for a in _call(lw.player_alerts, lang, name, report_date) if a.get("active", True)]
        alerts = edition_alerts(live, edition)
    notes = [
        {"author": n["author"], "written_on": n["written_on"], "text": n["text"]}
        for n in lw.store.scout_notes(int(player["id"]), as_of)
    ]

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
            show_terms=edition == "director",
            goalkeeper=goalkeeper,
        )
    xg_model = lw.store.latest_model("xg")
    shown, second = nationality(player, lw.store.player_national_teams(int(player["id"])))
    full = legal_name(player)
    known_as = display_name(player)
    if spells:
        reason = None
    elif profile is None and current is None:
        reason = "not_in_portfolio"
    else:
        reason = None
    trained = lw.store.latest_model("vaep") is not None
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
        "in_portfolio": bool(lw.store.loan_spells(int(player["id"]))),
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
        "assessment": judged.as_dict() if judged is not None else None,
        "alerts": alerts,
        "notes": notes,
        "recommendation": recommend(facts) if facts is not None else None,
        "models": {
            "trained": trained,
            "xg": {"version": xg_model["version"], "trained_at": xg_model["trained_at"]}
            if xg_model
            else None,
        },
    }
