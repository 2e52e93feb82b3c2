"""The market plan (issue 11, part 5): decisions on the owner's players (recall, extend, sell, loan
out again, sign a candidate, integrate, keep developing), stored per owner club and season as a
named plan; one decision card per loanee with the report's recommendation (ReportService.report:
the one source of it); the plan's squad, depth and rules before and after the decisions; the plan as
a PDF or HTML for the director (with terms) or the coach (without: access.py, applied here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loanwatch.access import Permission, edition_role, redact_decision, require_view, sees_terms
from loanwatch.domain import season_name
from loanwatch.errors import InvalidInput, NotFound
from loanwatch.market.depth import IN_SQUAD, STAYS, DepthEntry, RoleDepth
from loanwatch.market.plan import (
    COUNTS,
    DEFAULT_PLAN,
    NO_FIGURES,
    SIGNING,
    apply_decisions,
    check_decision,
    facts_after,
    follows,
    in_squad,
)
from loanwatch.market.plan import counts as plan_counts
from loanwatch.market.rulesets import season_year
from loanwatch.services.candidates import market_evidence
from loanwatch.services.context import Service, writes
from loanwatch.services.market import MarketService
from loanwatch.services.market_models import DepthChart
from loanwatch.services.models import (
    CardSource,
    DecisionCard,
    LoanSpell,
    MarketPlan,
    PlanDecision,
    PlanSquad,
    PlayerRef,
    RoleChange,
    RuleChange,
    Scalar,
)
from loanwatch.services.players import PlayerService
from loanwatch.services.portfolio import PortfolioService
from loanwatch.services.reports import ReportService
from loanwatch.services.tracking import TrackingService

if TYPE_CHECKING:
    from loanwatch.market.check import Finding, ListFact, LoanFact


def next_season(day: date) -> str:
    """The season after the one ``day`` is in: the season a plan made then is for."""
    return season_name(date(day.year + (1 if day.month >= 7 else 0), 7, 1))


def check_season(season: str) -> str:
    """A season written like 2018/19 (InvalidInput otherwise)."""
    try:
        season_year(season)
    except ValueError as err:
        raise InvalidInput(str(err)) from None
    return season.strip()


def _decision_word(decision: str) -> str:
    try:
        return check_decision(decision)
    except ValueError as err:
        raise InvalidInput(str(err)) from None


class PlanService(Service):
    # -- the plan's frame: owner club and season ------------------------------------------------

    def owner(self, owner: str | None = None) -> str:
        """The owner club a plan is for, as the loan list writes it: ``owner`` (matched as the
        owner filter matches it), else the one owner of the store's loans; with several owners
        and none given, an InvalidInput naming them; an owner of no loan, a NotFound."""
        from loanwatch.portfolio.resolve import same_club

        owners = PortfolioService(self.ctx).owners()
        if owner is None:
            if len(owners) == 1:
                return owners[0]
            raise InvalidInput(
                f"the store holds the loans of several owner clubs: choose one with --owner "
                f"({', '.join(owners) or 'none'})"
            )
        found = [o for o in owners if same_club(o, owner)]
        if not found:
            raise NotFound(f"no loan is owned by {owner!r} (owners: {', '.join(owners) or 'none'})")
        return found[0]

    def season(self, season: str | None = None) -> str:
        """The season a plan is for: ``season``, else the one after the data's last day."""
        if season is not None:
            return check_season(season)
        return next_season(self.ctx.tracker().default_as_of())

    # -- decisions ------------------------------------------------------------------------------

    def _decision(self, row: Mapping[str, Any]) -> PlanDecision:
        seen = redact_decision(row, self.ctx.role)
        players = PlayerService(self.ctx)
        destination = seen.get("destination") or None
        return PlanDecision(
            id=int(seen["id"]),
            owner=str(seen["owner"]),
            season=str(seen["season"]),
            plan=str(seen["plan"]),
            player=players.ref(int(seen["player_id"])),
            decision=str(seen["decision"]),
            destination=destination,
            destination_country=self._country(destination) if destination else None,
            note=str(seen["note"]) if "note" in seen else None,
            decided_by=str(seen["decided_by"]),
            decided_at=seen["decided_at"],
        )

    def _loan_spells(self, owner: str) -> list[LoanSpell]:
        return PortfolioService(self.ctx).loan_spells(owner)

    def _country(self, club: str) -> str | None:
        """A club's country as the data gives it (the provider's area), None when the club is not
        in the data or the data gives none."""
        return MarketService(self.ctx)._areas().get(club.casefold()) or None

    def _destination(self, decision: str, to: str | None, host: str | None, name: str) -> str | None:
        """Where the decision sends the player: ``to`` (a club of the data by its name there, else as
        written) for a loan-out or keeping him developing on loan; the host an extension keeps."""
        from loanwatch.portfolio.resolve import same_club

        wanted = (to or "").strip() or None
        if decision == "extend":
            if wanted is not None and (host is None or not same_club(host, wanted)):
                raise InvalidInput(
                    f"extend keeps {name}'s host club ({host}): loan-out --to {wanted} moves him"
                )
            return host
        if wanted is None:
            return None
        if decision not in ("loan-out", "develop"):
            raise InvalidInput(f"--to is for loan-out or develop (where he goes on loan), not {decision}")
        for club in self.store.all_clubs():
            if same_club(str(club["name"]), wanted):
                return str(club["name"])
        return wanted

    @writes
    def decide(
        self,
        ref: PlayerRef,
        decision: str,
        *,
        season: str | None = None,
        owner: str | None = None,
        plan: str = DEFAULT_PLAN,
        note: str = "",
        to: str | None = None,
    ) -> PlanDecision:
        """Record a decision on a player in the owner's plan for the season (replacing the one
        made before). ``sign`` is for a player the owner does not have on loan (a candidate in
        the store); recall and extend for one of his loanees; ``to``: the club a loan-out (or
        develop) sends him to (an extension keeps his host). Only a role that may decide the
        plan (access.py: the director) does."""
        self.ctx.require(Permission.DECIDE_PLAN)
        chosen = _decision_word(decision)
        club, year = self.owner(owner), self.season(season)
        spells = sorted(
            (s for s in self._loan_spells(club) if s.player_id == ref.id), key=lambda s: s.start_date
        )
        loanee = bool(spells)
        host = spells[-1].host_club_name if spells else None
        if chosen == "sign" and loanee:
            raise InvalidInput(f"{ref.display_name} is on loan from {club}: sign is for a candidate")
        if chosen in ("recall", "extend") and not loanee:
            raise InvalidInput(f"{ref.display_name} is not on loan from {club}: {chosen} is for a loanee")
        destination = self._destination(chosen, to, host, ref.display_name)
        self.store.set_decision(
            owner=club,
            season=year,
            plan=plan,
            player_id=ref.id,
            decision=chosen,
            destination=destination,
            note=note.strip(),
            decided_by=self.ctx.user.name,
        )
        # the audit log names the decision, not its note (a deal note stays in the plan)
        self.ctx.record(
            "decided plan",
            f"player {ref.id}",
            name=ref.display_name,
            decision=chosen,
            owner=club,
            season=year,
            plan=plan,
        )
        return next(d for d in self.decisions(year, club, plan) if d.player.id == ref.id)

    @writes
    def undecide(
        self, ref: PlayerRef, *, season: str | None = None, owner: str | None = None, plan: str = DEFAULT_PLAN
    ) -> bool:
        """Remove the player's decision from the plan; False when it had none."""
        self.ctx.require(Permission.DECIDE_PLAN)
        club, year = self.owner(owner), self.season(season)
        removed = self.store.remove_decision(owner=club, season=year, plan=plan, player_id=ref.id)
        if removed:
            self.ctx.record(
                "undecided plan",
                f"player {ref.id}",
                name=ref.display_name,
                owner=club,
                season=year,
                plan=plan,
            )
        return removed

    def decisions(
        self, season: str | None = None, owner: str | None = None, plan: str = DEFAULT_PLAN
    ) -> list[PlanDecision]:
        """The plan's decisions, oldest first, as the acting user may see them (no deal note for
        a role that may not see contract terms)."""
        club, year = self.owner(owner), self.season(season)
        return [self._decision(r) for r in self.store.decisions(owner=club, season=year, plan=plan)]

    # -- decision cards -------------------------------------------------------------------------

    def cards(
        self,
        season: str | None = None,
        owner: str | None = None,
        plan: str = DEFAULT_PLAN,
        *,
        as_of: date | None = None,
        edition: str | None = None,
    ) -> list[DecisionCard]:
        """One card per loanee of the owner: the report's recommendation for him as of the same
        date (ReportService.report, the edition's role: the coach's carries no terms), his spell's
        figures, where he would rank among the owner's players of his role next season (the depth
        chart, MarketService.depth), the plan's decision on him and the sources of each figure."""
        role = edition_role(edition) if edition is not None else self.ctx.role
        require_view(self.ctx.role, role)
        ctx = self.ctx.as_role(role)
        club = self.owner(owner)
        chart = MarketService(ctx).depth(club, self.season(season))
        return PlanService(ctx)._cards(chart, season, club, plan, as_of=as_of, edition=edition)

    def _cards(
        self,
        chart: DepthChart,
        season: str | None,
        club: str,
        plan: str,
        *,
        as_of: date | None,
        edition: str | None,
    ) -> list[DecisionCard]:
        ctx = self.ctx
        shown = edition or ("director" if sees_terms(ctx.role) else "coach")
        loanees = {e.player_id: e for r in chart.roles for e in r.loanees}
        squads = {r.role: r.squad for r in chart.roles}
        decided = {d.player.id: d for d in PlanService(ctx).decisions(season, club, plan)}
        reports, tracking = ReportService(ctx), TrackingService(ctx)
        spells = {s.id: s for s in PortfolioService(ctx).loan_spells(club)}
        evidence = market_evidence(ctx, chart)
        cards = []
        for ref in PortfolioService(ctx).loanees(club):
            content = reports.report(ref, as_of, edition=shown, min_minutes=ctx.settings.min_minutes).content
            current: dict[str, Any] | None = content.get("current")  # type: ignore[assignment]
            rec = content.get("recommendation")
            spell = spells.get(int(current["id"])) if current is not None else None
            day: date | None = content.get("report_date")  # type: ignore[assignment]
            judged = tracking.assessment(ref, day, int(current["id"])) if current is not None else None
            trigger = judged.trigger if judged and judged.trigger and judged.trigger.kind != "none" else None
            decision = decided.get(ref.id)
            call = getattr(rec, "call", None)
            standing = loanees.get(ref.id)
            ahead = _ahead(standing, squads.get(standing.role or "", ())) if standing else []
            found, search, missing = evidence.get(ref.id, ([], None, NO_FIGURES))
            cards.append(
                DecisionCard(
                    player=ref,
                    edition=shown,
                    as_of=day,
                    age=content["player"].get("age"),  # type: ignore[attr-defined]
                    spell=spell,
                    current=_summary(current),
                    recommendation=rec,  # type: ignore[arg-type]
                    trigger=trigger,
                    decision=decision,
                    follows=follows(decision.decision if decision else None, call),
                    standing=standing,
                    ahead=ahead,
                    candidates=found,
                    candidate_search=search,
                    candidates_missing=missing,
                    sources=_sources(current, spell, content) + _depth_source(standing, chart),
                )
            )
        return cards

    def plan(
        self,
        season: str | None = None,
        owner: str | None = None,
        plan: str = DEFAULT_PLAN,
        *,
        as_of: date | None = None,
        edition: str | None = None,
    ) -> MarketPlan:
        """The plan as the edition's role (default: the acting user's) reads it: its decisions,
        one card per loanee, the squad, depth and rules before and after the decisions."""
        role = edition_role(edition) if edition is not None else self.ctx.role
        require_view(self.ctx.role, role)
        shown = edition or ("director" if sees_terms(role) else "coach")
        ctx = self.ctx.as_role(role)
        viewer = PlanService(ctx)
        club, year = viewer.owner(owner), viewer.season(season)
        market = MarketService(ctx)
        chart = market.depth(club, year)
        cards = viewer._cards(chart, year, club, plan, as_of=as_of, edition=shown)
        decisions = viewer.decisions(year, club, plan)
        days = [c.as_of for c in cards if c.as_of is not None]
        return MarketPlan(
            owner=club,
            season=year,
            plan=plan,
            edition=shown,
            as_of=as_of or (max(days) if days else None),
            decisions=decisions,
            cards=cards,
            squad=viewer._squad(market, chart, decisions),
        )

    def _rules(
        self,
        market: MarketService,
        chart: DepthChart,
        decisions: Sequence[PlanDecision],
        after: Sequence[RoleDepth],
    ) -> tuple[str, list[str], list[RuleChange]]:
        """The rules in force in the plan's season applied to the owner's loans and squad list as
        the data and the lists have them (``MarketService.rules_check``'s facts), and again with
        the decisions applied (market/plan.py facts_after: a loan-out to a named club is a loan of
        the data's season to that club); one row per rule and scope."""
        from loanwatch.market.check import ListFact, check

        chosen = {d.player.id: d.decision for d in decisions}
        club, season, data, rulesets, loans, listed, _ = market._rules_facts(chart.season, chart.owner, None)
        entries = [e for r in (*chart.roles, *after) for e in (*r.squad, *r.loanees)]
        names = {e.player_id: e.name for e in entries if e.player_id is not None}
        joined = {e.player_id: e for r in after for e in (*r.squad, *r.loanees) if e.status in IN_SQUAD}
        births = {p.id: p.birth_date for p in (PlayerService(self.ctx).ref(pid) for pid in chosen)}
        joining = [
            ListFact(joined[pid].name, births.get(pid), None, None)
            for pid, d in chosen.items()
            if d in ("recall", "integrate", "sign") and pid in joined
        ]
        moves = _moves(decisions, loans, listed, names, data, market._areas().get(club.casefold(), ""))
        loans_after, listed_after = facts_after(loans, listed, chosen, names, joining, moves)
        sets = list(rulesets.values())
        before = check(sets, season, data, loans, listed)
        now = {_rule_key(f): f for f in check(sets, season, data, loans_after, listed_after)}
        rows = []
        for f in before:
            a = now.get(_rule_key(f), f)
            rows.append(
                RuleChange(
                    ruleset=f.ruleset,
                    rule=f.rule,
                    title=f.title,
                    article=f.article,
                    scope=f.scope,
                    limit=f.limit,
                    before=f.status,
                    before_count=f.count,
                    before_possible=f.possible,
                    after=a.status,
                    after_count=a.count,
                    after_possible=a.possible,
                    limit_at_most=f.limit_at_most,
                    after_limit=a.limit,
                    after_limit_at_most=a.limit_at_most,
                    words=a.words,
                )
            )
        return season, list(rulesets), rows

    def _signing(self, market: MarketService, ref: PlayerRef, chart: DepthChart) -> DepthEntry:
        """A candidate the plan signs, as a squad player of next season's chart: his last season's
        figures where he played most (the depth chart's own reading: MarketService's profiles of
        the season, adjusted to the chart's league, weighted by minutes), his role there."""
        from loanwatch.metrics.league import adjust
        from loanwatch.services import market as market_service

        prof = market._season_profiles(chart.last_season, chart.min_minutes)
        rows = prof.season[prof.season["player_id"] == ref.id] if not prof.season.empty else prof.season
        figures = None
        if not rows.empty:
            clubs = {int(c["id"]): str(c["name"]) for c in self.store.all_clubs()}
            adjusted = adjust(rows, reference=chart.reference.league)
            figures = market_service._figures(adjusted, clubs, chart.reference.league, chart.min_minutes)
        return DepthEntry(
            kind=SIGNING,
            player_id=ref.id,
            name=ref.display_name,
            role=figures.role if figures else None,
            status=STAYS,
            reason="plan: sign",
            term_reason=None,
            age=market_service._age(ref.birth_date, chart.first_day),
            contract_end=None,
            figures=figures,
        )

    def _squad(self, market: MarketService, chart: DepthChart, decisions: list[PlanDecision]) -> PlanSquad:
        """Next season before and after the decisions: the depth chart rebuilt with each decided
        player moved (market/plan.py apply_decisions), per role and in counts."""
        chosen = {d.player.id: d.decision for d in decisions}
        signed = [d.player for d in decisions if d.decision == "sign"]
        signings = [self._signing(market, ref, chart) for ref in signed]
        where = {d.player.id: d.destination for d in decisions if d.destination}
        after = apply_decisions(chart.roles, chosen, chart.owner, signings, where)
        before_in, after_in = in_squad(chart.roles), in_squad(after)

        def why(e: DepthEntry) -> str:
            return chosen.get(e.player_id, e.status) if e.player_id is not None else e.status

        roles = []
        for role in dict.fromkeys([*before_in, *after_in]):
            was, now = before_in.get(role, []), after_in.get(role, [])
            was_ids, now_ids = {e.player_id for e in was}, {e.player_id for e in now}
            roles.append(
                RoleChange(
                    role=role,
                    before=len(was),
                    after=len(now),
                    players=[e.name for e in now],
                    joins=[(e.name, why(e)) for e in now if e.player_id not in was_ids],
                    goes=[(e.name, why(e)) for e in was if e.player_id not in now_ids],
                )
            )
        before_n, after_n = plan_counts(chart.roles), plan_counts(after)
        rules_season, rulesets, findings = self._rules(market, chart, decisions, after)
        return PlanSquad(
            season=chart.season,
            last_season=chart.last_season,
            reference=chart.reference.league,
            roles=roles,
            counts={k: (before_n[k], after_n[k]) for k in COUNTS},
            before=chart.roles,
            after=after,
            rules_season=rules_season,
            rulesets=rulesets,
            findings=findings,
            # what the chart could not know; its words name the terms a squad file would give (wages)
            notes=chart.notes if sees_terms(self.ctx.role) else [],
        )

    def write(
        self,
        path: str | Path,
        season: str | None = None,
        owner: str | None = None,
        plan: str = DEFAULT_PLAN,
        *,
        as_of: date | None = None,
        lang: str = "en",
        fmt: str = "pdf",
        edition: str = "coach",
    ) -> Path:
        """Write the plan (:meth:`plan`) as a PDF or HTML in it / en / fr, the coach's edition
        without contract terms or deal notes, the director's with them."""
        from loanwatch.reports.i18n import check_lang
        from loanwatch.reports.plan import render_plan
        from loanwatch.reports.render import check_format

        check_lang(lang)
        check_format(fmt)
        document = self.plan(season, owner, plan, as_of=as_of, edition=edition).document()
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render_plan(document, lang, fmt))
        return out


def _rule_key(finding: Finding) -> tuple[str, str, str]:
    """A finding's rule and scope, the same before and after the decisions: a per-club cap's scope
    names the club with the most loans ("loans out to one club (the most: Atalanta)"), which the
    decisions may change."""
    return finding.ruleset, finding.rule, finding.scope.split(" (the most:")[0]


def _moves(
    decisions: Sequence[PlanDecision],
    loans: Sequence[LoanFact],
    listed: Sequence[ListFact],
    names: Mapping[int, str],
    data_season: str,
    home: str,
) -> dict[int, LoanFact]:
    """The loans out the decisions make: a loan-out (or develop) to a named club, as a loan of the
    data's season (the season the rules check counts in) to it; international when the club's
    country (the data's) is not the owner's, None when either is not known."""
    from loanwatch.market.check import LoanFact
    from loanwatch.market.squad import next_season as season_after
    from loanwatch.market.squad import season_first_day

    start = season_first_day(data_season)
    end = season_first_day(season_after(data_season)) - timedelta(days=1)
    trained = {f.player: f.club_trained for f in listed}
    out: dict[int, LoanFact] = {}
    for d in decisions:
        if d.decision not in ("loan-out", "develop") or not d.destination:
            continue
        before = [f for f in loans if f.direction == "out" and f.player_id == d.player.id]
        name = names.get(d.player.id) or d.player.display_name
        there = d.destination_country or ""
        out[d.player.id] = LoanFact(
            player=before[-1].player if before else name,
            player_id=d.player.id,
            birth_date=d.player.birth_date,
            direction="out",
            other_club=d.destination,
            start=start,
            end=end,
            international=None if not home or not there else home != there,
            club_trained=before[-1].club_trained if before else trained.get(name),
        )
    return out


def _ahead(entry: DepthEntry, squad: Sequence[DepthEntry]) -> list[DepthEntry]:
    """The owner's players of his role in next season's squad ranked ahead of him on VAEP per 90."""
    mine = entry.figures.vaep_p90 if entry.figures else None
    if mine is None:
        return []
    ahead = [e for e in squad if e.status in IN_SQUAD and e.figures and (e.figures.vaep_p90 or -1e9) > mine]
    return sorted(ahead, key=lambda e: -(e.figures.vaep_p90 or 0) if e.figures else 0)


def _depth_source(entry: DepthEntry | None, chart: DepthChart) -> list[CardSource]:
    """Where a card's rank comes from: the owner's players of his role in the depth chart, their
    season for the owner, his spell's figures, the league they are adjusted to."""
    if entry is None or entry.figures is None:
        return []
    f = entry.figures
    params: dict[str, Scalar] = {
        "owner": chart.owner,
        "season": chart.last_season,
        "of": entry.of,
        "matches": f.matches,
        "minutes": f.minutes,
        "club": f.club,
        "league": chart.reference.league,
    }
    return [CardSource(what="depth", params=params)]


def _summary(current: Mapping[str, Any] | None) -> dict[str, object] | None:
    """The report's current spell without its match lines (the card cites them as a source)."""
    if current is None:
        return None
    return {k: v for k, v in current.items() if k not in ("lines", "last_lines")}


def _sources(
    current: Mapping[str, Any] | None, spell: LoanSpell | None, content: Mapping[str, Any]
) -> list[CardSource]:
    """Where a card's figures come from: the spell's matches in the data (how many, first and
    last, competition), the loan list's row, the profile's peer group."""
    out: list[CardSource] = []
    if current is not None:
        played = [ln for ln in current.get("lines") or [] if ln.get("match_id") is not None]
        if played:
            params: dict[str, Scalar] = {
                "matches": len(played),
                "club": str(current["host_club"]),
                "competition": str(current["competition"]),
                "first": played[0]["kickoff"].date(),
                "last": played[-1]["kickoff"].date(),
            }
            out.append(CardSource(what="matches", params=params))
    if spell is not None and spell.source:
        file, _, line = spell.source.rpartition(":")
        out.append(CardSource(what="loan", params={"file": file or spell.source, "row": line}))
    profile = content.get("profile")
    if isinstance(profile, Mapping):
        out.append(
            CardSource(
                what="profile",
                params={
                    "peers": int(profile["peers"]),
                    "role": str(profile["role"]),
                    "competition": str(profile["competition"]),
                    "season": str(profile["season"]),
                    "minutes": float(content.get("min_minutes") or 0),
                },
            )
        )
    return out
