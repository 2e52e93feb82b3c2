"""The market plan's services (issue 11): the owner's squad (the club's file, the match data), the
depth chart of next season with the loanees ranked against the owner's players, and the rules
check. The judgments are the pure modules' (``loanwatch.market``: squad, depth, check); the
trigger of a loan is the one ``tracking.assessment`` judges; the access rule is applied here (no
wage, no term for a role that may not see contract terms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loanwatch.access import SQUAD_TERMS, Permission, hidden_terms, sees_terms
from loanwatch.domain import season_name
from loanwatch.errors import InvalidInput, NotFound
from loanwatch.market.depth import (
    DepthEntry,
    Figures,
    depth_chart,
    known_role,
    loan_outlook,
    squad_outlook,
    weighted,
)
from loanwatch.market.squad import Played, build_squad, next_season, previous_season, season_first_day
from loanwatch.services.context import Context, Service, writes
from loanwatch.services.market_models import DepthChart, RulesCheck, Squad, SquadImport
from loanwatch.services.metrics import TOURNAMENTS, MetricsService
from loanwatch.services.portfolio import PortfolioService
from loanwatch.settings import MIN_MINUTES

if TYPE_CHECKING:
    import pandas as pd

    from loanwatch.market.check import ListFact, LoanFact
    from loanwatch.market.rulesets import RuleSet
    from loanwatch.metrics.compute import Profiles


def _season(value: str | None, option: str = "season") -> str | None:
    """A season as the store names it ('2018/19'); a malformed one is invalid input."""
    if value is None:
        return None
    from loanwatch.market.rulesets import season_year

    try:
        year = season_year(value)
    except ValueError as err:
        raise InvalidInput(f"{option} {value!r}: {err}") from None
    return f"{year}/{(year + 1) % 100:02d}"


class MarketService(Service):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._profiles: dict[tuple[str, float], Profiles] = ctx.caches.season_profiles  # one per context

    # -- the owner ------------------------------------------------------------------------------

    def owner_club(self, owner: str | None = None) -> str:
        """The owner club as the data names it: ``owner``, else the one owner of the loan list.
        A club that is neither in the data nor an owner of loans is not found; no owner given
        where the list has several is invalid input listing them."""
        from loanwatch.portfolio.resolve import same_club

        owners = PortfolioService(self.ctx).owners()
        if owner is None:
            if len(owners) != 1:
                raise InvalidInput(
                    f"name the owner club (--owner): the loan list has {len(owners)} owners"
                    + (f" ({', '.join(owners)})" if owners else "")
                )
            owner = owners[0]
        for club in self.store.all_clubs():
            if same_club(str(club["name"]), owner):
                return str(club["name"])
        for written in owners:
            if same_club(written, owner):
                return written
        raise NotFound(
            f"no club named {owner!r} in the data or the loan list (owners: {', '.join(owners) or 'none'})"
        )

    def _club_ids(self, owner: str) -> set[int]:
        from loanwatch.portfolio.resolve import same_club

        return {int(c["id"]) for c in self.store.all_clubs() if same_club(str(c["name"]), owner)}

    def _latest_season(self, owner: str) -> str:
        """The latest club season in which the owner played a match in the store."""
        matches = self.store.matches_frame()
        ids = self._club_ids(owner)
        mine = matches[
            (matches["home_club_id"].isin(ids) | matches["away_club_id"].isin(ids))
            & ~matches["competition"].isin(TOURNAMENTS)
        ]
        if mine.empty:
            return season_name(date.today())
        return str(max(mine["season"]))

    def _season_profiles(self, season: str, min_minutes: float) -> Profiles:
        """The season's profiles: those `models train` stored; before training (no SPADL action
        in the season), minutes and matches from the appearances and the provider's roles, without
        reading the events (no model: no VAEP, xG or xA to rank on); else computed."""
        from loanwatch.metrics.compute import Profiles, profiles, stored_profiles

        key = (season, float(min_minutes))
        if key in self._profiles:
            return self._profiles[key]
        found = stored_profiles(self.store, season_name=season, min_minutes=min_minutes)
        if found is None:
            matches = self.store.matches_frame()
            matches = matches[matches["season"] == season]
            ids = [int(m) for m in matches["match_id"]]
            if self.store.matches_with_actions() & set(ids):
                found = profiles(self.store, season_name=season, min_minutes=min_minutes)
            else:
                from loanwatch.metrics.profile import player_match_stats, season_profile
                from loanwatch.metrics.roles import infer_roles

                actions = self.store.actions_frame(ids)
                apps = self.store.appearances_frame()
                apps = apps[apps["match_id"].isin(ids)]
                stats = player_match_stats(actions, None, apps, None, matches=matches)
                roles = infer_roles(actions, matches, apps)
                season_rows = season_profile(stats, matches, roles, min_minutes=min_minutes)
                found = Profiles(matches=matches, match_stats=stats, roles=roles, season=season_rows)
        self._profiles[key] = found
        return found

    # -- the squad ------------------------------------------------------------------------------

    @writes
    def import_squad(
        self,
        path: str | Path,
        *,
        owner: str | None = None,
        season: str | None = None,
        sheet: str | None = None,
    ) -> SquadImport:
        """Import the owner's squad list (CSV, TSV, XLSX; English or Italian headers) for a season
        (default: the owner's latest season in the data): each row updates that player's entry or
        adds one; refused rows are listed (file, row, cell), the good rows land in one transaction.
        The file carries wages: only roles that may see contract terms import one."""
        from loanwatch.portfolio.squad import read_squad

        self.ctx.require(Permission.IMPORT_SQUAD)
        club = self.owner_club(owner)
        chosen = _season(season) or self._latest_season(club)
        try:
            read = read_squad(self.store, Path(path), sheet=sheet)
        except (OSError, ValueError) as err:
            raise InvalidInput(f"squad list {path}: {getattr(err, 'strerror', None) or err}") from None
        added, updated = self.store.save_squad(club, chosen, read.rows) if read.rows else (0, 0)
        return SquadImport(
            owner=club,
            season=chosen,
            path=str(path),
            added=added,
            updated=updated,
            problems=read.problems,
            warnings=read.warnings,
        )

    def squad(self, owner: str | None = None, season: str | None = None) -> Squad:
        """The owner's squad in a season (default: its latest in the data): the players of the
        club's file, and everyone who played for the owner that season (minutes, matches, starts,
        the role of most of his minutes); ages (on 1 July) and nationalities from the provider.
        What neither gives is None ("unknown"); the wage only for a role that may see terms."""
        from loanwatch.portfolio.names import display_name
        from loanwatch.portfolio.resolve import same_club

        club = self.owner_club(owner)
        chosen = _season(season) or self._latest_season(club)
        rows = [r for r in self.store.squad(season=chosen) if same_club(str(r["owner_club"]), club)]
        played = self._played(club, chosen)
        players = {int(p["id"]): p for p in self.store.all_players()}
        wanted = {p.player_id for p in played} | {int(r["player_id"]) for r in rows if r["player_id"]}
        names = {pid: display_name(players[pid]) for pid in wanted if pid in players}
        loans_in = {pid: str(s["parent_club"]) for pid, s in self._loans_in(club, chosen).items()}
        loans_out = {int(s["player_id"]): str(s["host_club_name"]) for s in self._owned_spells(club, chosen)}
        members = build_squad(
            chosen, played, players, rows, loans_in=loans_in, loans_out=loans_out, names=names
        )
        hidden = hidden_terms(self.ctx.role, SQUAD_TERMS)
        if hidden:
            members = [replace(m, **hidden) for m in members]
        notes = []
        if not rows:
            notes.append(
                f"no squad file for {club} {chosen}: the squad is who played in the data; contract ends, "
                "training status and EU status are unknown (loanwatch squad import FILE)"
            )
        if not played:
            notes.append(f"no match of {club} in {chosen} in the store: no minutes, no roles")
        return Squad(
            owner=club,
            season=chosen,
            from_file=bool(rows),
            from_data=bool(played),
            members=members,
            notes=notes,
        )

    def _played(self, club: str, season: str) -> list[Played]:
        """Who played for the owner in the season's matches in the store, by minutes and role."""
        from loanwatch.metrics.roles import season_role

        ids = self._club_ids(club)
        matches = self.store.matches_frame()
        matches = matches[matches["season"] == season]
        apps = self.store.appearances_frame()
        apps = apps[
            apps["match_id"].isin(matches["match_id"])
            & apps["club_id"].isin(ids)
            & (apps["minutes_played"] > 0)
        ]
        if apps.empty:
            return []
        roles = self._season_profiles(season, MIN_MINUTES).roles
        roles = roles[roles["match_id"].isin(apps["match_id"])]
        main = season_role(roles, apps).set_index("player_id")
        comp = matches.set_index("match_id")["competition"]
        out = []
        for pid, rows in apps.groupby("player_id"):
            player_id = int(str(pid))
            role = main["role"].get(player_id)
            share = main["role_share"].get(player_id)
            out.append(
                Played(
                    player_id=player_id,
                    minutes=float(rows["minutes_played"].sum()),
                    matches=int(rows["match_id"].nunique()),
                    starts=int((rows["status"] == "started").sum()),
                    role=str(role) if isinstance(role, str) else None,
                    role_share=float(share) if share == share and share is not None else None,
                    competitions=tuple(sorted({str(comp[m]) for m in rows["match_id"]})),
                )
            )
        return out

    def _owned_spells(self, club: str, season: str) -> list[Mapping[str, Any]]:
        """The owner's loans out that run during ``season``."""
        first = season_first_day(season)
        last = season_first_day(next_season(season))
        spells = PortfolioService(self.ctx).owned_by(self.store.loan_spells(), club)
        return [dict(s) for s in spells if last > s["start_date"] and s["end_date"] >= first]  # type: ignore[operator]

    def _loans_in(self, club: str, season: str) -> dict[int, Mapping[str, Any]]:
        """Players on loan to the owner during ``season`` (the loan list's spells hosted by it): the
        latest spell of each."""
        from loanwatch.portfolio.resolve import same_club

        first = season_first_day(season)
        last = season_first_day(next_season(season))
        ids = self._club_ids(club)
        out: dict[int, Mapping[str, Any]] = {}
        for s in sorted(self.store.loan_spells(), key=lambda s: s["start_date"]):
            hosted = s["host_club_id"] in ids or same_club(str(s["host_club_name"]), club)
            if hosted and s["start_date"] < last and s["end_date"] >= first:
                out[int(s["player_id"])] = s
        return out

    # -- the depth chart ------------------------------------------------------------------------

    def depth(
        self,
        owner: str | None = None,
        season: str | None = None,
        *,
        min_minutes: float | None = None,
        reference: str | None = None,
    ) -> DepthChart:
        """Next season's depth per role (``season``, default: the one after the owner's latest in
        the data): the owner's players (stay, contract ends, on loan to him and leaving) and his
        loanees (on loan, return, leave, decision), ages on 1 July, last season's minutes and
        figures, each loanee ranked among the owner's players of his role who stay, on VAEP per 90
        and minutes-weighted xG+xA, adjusted to the owner's league (or ``reference``)."""
        from loanwatch.metrics.league import adjust
        from loanwatch.portfolio.names import display_name

        club = self.owner_club(owner)
        chosen = _season(season)
        last = previous_season(chosen) if chosen else self._latest_season(club)
        chosen = chosen or next_season(last)
        first_day = season_first_day(chosen)
        minutes_needed = float(min_minutes if min_minutes is not None else self.ctx.settings.min_minutes)
        as_of = min(first_day - timedelta(days=1), self.ctx.tracker().default_as_of())
        metrics = MetricsService(self.ctx)
        ref = metrics.reference_league({"parent_club": club}, reference)
        prof = self._season_profiles(last, minutes_needed)
        season_rows = adjust(prof.season, reference=ref.league) if not prof.season.empty else prof.season
        clubs = {int(c["id"]): str(c["name"]) for c in self.store.all_clubs()}
        owner_ids = self._club_ids(club)
        tracker = self.ctx.tracker()
        see = sees_terms(self.ctx.role)

        squad = self.squad(club, last)
        loans_in = self._loans_in(club, last)
        squad_entries = []
        for m in squad.members:
            if m.on_loan_to and not m.in_data:
                continue  # a loanee the club's file lists: in the chart as a loanee
            loan = loans_in.get(m.player_id) if m.player_id is not None else None
            decides = tracker.assessment(loan, as_of).trigger.decides if loan else False
            outlook = squad_outlook(
                first_day,
                m.contract_end,
                loan_from=str(loan["parent_club"]) if loan else None,
                loan_end=loan["end_date"] if loan else None,
                loan_type=str(loan["loan_type"]) if loan else "",
                decides=decides,
            )
            figures = None
            if m.player_id is not None and not season_rows.empty:
                rows = season_rows[
                    (season_rows["player_id"] == m.player_id) & season_rows["club_id"].isin(owner_ids)
                ]
                figures = _figures(rows, clubs, ref.league, minutes_needed)
            role, role_source = known_role(m.role, m.file_role, m.provider_role)
            squad_entries.append(
                DepthEntry(
                    kind="squad",
                    player_id=m.player_id,
                    name=m.name,
                    role=role,
                    role_source=role_source,
                    provider_role=m.provider_role,
                    status=outlook.status,
                    reason=outlook.reason,
                    term_reason=outlook.term_reason if see else None,
                    age=_age(m.birth_date, first_day),
                    contract_end=m.contract_end,
                    figures=figures,
                )
            )

        players = {int(p["id"]): p for p in self.store.all_players()}
        contracts = {m.player_id: m.contract_end for m in squad.members if m.player_id is not None}
        file_roles = {m.player_id: m.file_role for m in squad.members if m.player_id is not None}
        latest: dict[int, Mapping[str, Any]] = {}
        for s in sorted(self._owned_spells(club, last), key=lambda s: s["start_date"]):
            latest[int(s["player_id"])] = s
        loanee_entries = []
        for pid, spell in latest.items():
            judged = tracker.assessment(spell, as_of)
            outlook = loan_outlook(
                first_day,
                host=str(spell["host_club_name"]),
                end=spell["end_date"],
                loan_type=str(spell["loan_type"]),
                decides=judged.trigger.decides,
                trigger_state=_trigger_words(judged.trigger),
                contract_end=contracts.get(pid),
            )
            spell_rows = self._spell_rows(prof, pid, spell, minutes_needed)
            figures = None
            if spell_rows is not None and not spell_rows.empty:
                adjusted = adjust(spell_rows, reference=ref.league)
                figures = _figures(adjusted, clubs, ref.league, minutes_needed)
            record = players.get(pid, {"id": pid})
            # no match data: the club's squad file, else the provider's record (a goalkeeper is one)
            provider_role = str(record.get("role") or "")
            role, role_source = known_role(
                figures.role if figures else None, file_roles.get(pid), provider_role
            )
            loanee_entries.append(
                DepthEntry(
                    kind="loanee",
                    player_id=pid,
                    name=display_name(record),
                    role=role,
                    role_source=role_source,
                    provider_role=provider_role,
                    status=outlook.status,
                    reason=outlook.reason,
                    term_reason=outlook.term_reason if see else None,
                    age=_age(record.get("birth_date"), first_day),
                    contract_end=contracts.get(pid),
                    figures=figures,
                    spell_id=int(spell["id"]),
                )
            )
        notes = list(squad.notes)
        if not metrics.trained():
            notes.append("the models are not trained (loanwatch models train): no VAEP, xG or xA, no ranks")
        return DepthChart(
            owner=club,
            season=chosen,
            last_season=last,
            first_day=first_day,
            as_of=as_of,
            reference=ref,
            min_minutes=minutes_needed,
            roles=depth_chart(squad_entries, loanee_entries, club),
            notes=notes,
        )

    def _spell_rows(
        self, prof: Profiles, player_id: int, spell: Mapping[str, Any], min_minutes: float
    ) -> pd.DataFrame | None:
        """The spell's profile in the season (metrics.profile.spell_profile), not adjusted."""
        from loanwatch.metrics.profile import spell_profile

        if prof.match_stats.empty:
            return None
        return spell_profile(
            prof.match_stats,
            prof.matches,
            prof.roles,
            player_id,
            spell["start_date"],
            spell["end_date"],
            min_minutes=min_minutes,
            season=prof.season,
        )

    # -- the rules ------------------------------------------------------------------------------

    def rules_check(
        self, season: str | None = None, owner: str | None = None, *, data_season: str | None = None
    ) -> RulesCheck:
        """The rule sets in force in ``season`` (default: today's) applied to the owner's loans out
        and in and its squad list of ``data_season`` (default: the owner's latest in the data):
        breaches and near breaches with the rule set, article and quote; a rule that needs what the
        club did not give says it cannot be checked, naming the players."""
        from loanwatch.market.check import check

        club, chosen, data, rulesets, loans, listed, notes = self._rules_facts(season, owner, data_season)
        return RulesCheck(
            owner=club,
            season=chosen,
            data_season=data,
            rulesets=list(rulesets),
            findings=check(list(rulesets.values()), chosen, data, loans, listed),
            notes=notes,
        )

    def _rules_facts(
        self, season: str | None, owner: str | None, data_season: str | None
    ) -> tuple[str, str, str, dict[str, RuleSet], list[LoanFact], list[ListFact], list[str]]:
        """What the rules check reads (the plan re-checks them with its decisions applied): the
        owner, the seasons, the rule sets in force, the loans out and in, the squad list, notes."""
        from loanwatch.market.check import ListFact, LoanFact
        from loanwatch.market.rulesets import applicable, load_rulesets
        from loanwatch.portfolio.names import display_name

        club = self.owner_club(owner)
        chosen = _season(season, "--season") or season_name(date.today())
        data = _season(data_season, "--data-season") or self._latest_season(club)
        league = MetricsService(self.ctx).club_league(club)
        every = load_rulesets(settings=self.ctx.settings)
        rulesets: dict[str, RuleSet] = {}
        for what in ("international loans", "domestic loans", *([league] if league else []), "UEFA"):
            for ruleset in applicable(what, chosen, every):
                rulesets.setdefault(ruleset.id, ruleset)
        players = {int(p["id"]): p for p in self.store.all_players()}
        areas = self._areas()
        home = areas.get(club.casefold(), "")
        squad = self.squad(club, data)
        trained = {m.player_id: m.club_trained for m in squad.members if m.player_id is not None}
        loans_in = self._loans_in(club, data)

        def fact(spell: Mapping[str, Any], direction: str) -> LoanFact:
            pid = int(spell["player_id"])
            record = players.get(pid, {"id": pid})
            other = str(spell["host_club_name"] if direction == "out" else spell["parent_club"])
            there = areas.get(other.casefold(), "")
            return LoanFact(
                player=display_name(record) or str(spell["player_name"]),
                player_id=pid,
                birth_date=record.get("birth_date"),
                direction=direction,
                other_club=other,
                start=spell["start_date"],
                end=spell["end_date"],
                international=None if not home or not there else home != there,
                club_trained=trained.get(pid) if direction == "out" else None,
                on_loan_to_owner=direction == "out" and pid in loans_in,
            )

        loans = [fact(s, "out") for s in self._owned_spells(club, data)]
        loans += [fact(s, "in") for s in loans_in.values()]
        listed = [
            ListFact(m.name, m.birth_date, m.club_trained, m.association_trained)
            for m in squad.members
            if not (m.on_loan_to and not m.in_data)  # on loan all season: not on the owner's list
        ]
        notes = list(squad.notes)
        if "UEFA" in {r.body for r in rulesets.values()}:
            notes.append("UEFA's lists apply when the club plays a UEFA competition (the data does not say)")
        notes.append(
            f"ages by offset are taken from {data}: would these loans and this list be allowed under "
            f"the rules of {chosen}?"
        )
        return club, chosen, data, rulesets, loans, listed, notes

    def _areas(self) -> dict[str, str]:
        """Club name (folded) -> the country the data gives it (the provider's area; '' unknown)."""
        return {str(c["name"]).casefold(): str(c["area"] or "") for c in self.store.all_clubs()}


def _age(birth: object, day: date) -> int | None:
    from loanwatch.market.squad import age_on

    return age_on(birth, day) if isinstance(birth, date) else None


def _trigger_words(trigger: Any) -> str:
    """The trigger's state in words: 'fired', 'will fire (no condition)', '7 of 10 appearances'."""
    if trigger.target:
        return f"{trigger.state}, {trigger.count} of {trigger.target} {trigger.counts_as or 'appearances'}"
    return str(trigger.state)


def _figures(
    rows: pd.DataFrame, clubs: Mapping[int, str], reference: str, min_minutes: float
) -> Figures | None:
    """The row with the most minutes (one per competition) as the chart's figures."""
    if rows.empty:
        return None
    row = rows.sort_values("minutes", ascending=False).iloc[0]

    def value(name: str) -> float | None:
        column = f"{name}_adj" if f"{name}_adj" in row.index else name
        v = row.get(column)
        return None if v is None or v != v else float(v)

    vaep = value("vaep_p90")
    xg, xa = value("xg_p90"), value("xa_p90")
    xgxa = None if xg is None or xa is None else xg + xa
    factor = row.get("league_factor")
    minutes = float(row["minutes"])
    club_id = row.get("club_id")
    return Figures(
        club=clubs.get(int(club_id), "") if club_id == club_id and club_id is not None else "",
        competition=str(row["competition"]),
        season=str(row["season"]),
        matches=int(row["matches"]),
        minutes=minutes,
        role=str(row["role"]) if isinstance(row.get("role"), str) else None,
        reference=reference,
        league_factor=None if factor is None or factor != factor else float(factor),
        vaep_p90=vaep,
        xgxa_p90=xgxa,
        xgxa_weighted=weighted(xgxa, minutes, min_minutes),
    )


__all__ = ["MarketService"]
