"""The recommendation section: recall, keep, extend, sell, integrate, each weighed on the evidence.

Pure rules on a few facts about the player's current loan spell (:class:`Facts`, gathered from the
store by ``reports.data``). Every rule that fires adds a reason, in plain words (a catalog message
with its figures), for (+1) or against (-1) an option; a reason of weight 0 says what the data
cannot tell. An option is *supported* with a score of +2 or more, *advised against* at -1 or less,
*open* otherwise. The report's call is the best supported option; when none is supported it says so
(no call), it never picks one on thin evidence.

The facts and the thresholds (module constants):

- **minutes share**: the player's minutes over the minutes of his host club's matches in the spell
  so far (the match's real length, extra time included). A *regular* plays at least 60 %
  (``REGULAR``), a *fringe* player under 30 % (``FRINGE``).
- **profile level**: the median percentile, against the players of his role (the role he played
  most minutes) in the same competition and season with enough minutes, of the metrics that
  describe that role's work (``ROLE_METRICS``, VAEP always among them). *High* from the 67th
  percentile (``HIGH``), *low* under the 33rd (``LOW``). Percentiles of a player who is himself
  under the minutes threshold are read with care and lower the confidence.
- **age** on the report date: *young* up to 23 (``YOUNG``), *mature* from 26 (``MATURE``).
- **trend**: the form trend of the tracking module (``Loanwatch.form``) when there is one, else
  the minutes share of his last five matches against the spell's earlier matches (a change of 25
  points or more is a trend; at least 8 matches are needed).
- **obligation to buy** (sporting director's edition only: a contract term): the appearances the
  obligation needs against his appearances so far, counted as the contract counts them.
- **open alerts** of the tracking module, critical ones counted.

Rules (score +1 / -1 each):

=========  ====================================================================================
recall     + fringe after at least 5 matches; + downward trend; + an open critical alert;
           - regular; not an option once the loan has ended or the season is over
keep       + regular; + profile in the middle third; - fringe; - low profile; - downward trend
extend     + young and regular; + profile between low and high (still growing);
           - mature; - high profile as a regular (ready for more); - fringe
sell       + mature with a low profile; + obligation condition met or within 3 appearances;
           - young; - high profile
integrate  + high profile as a qualified peer; + regular; + upward trend (only with a high
           profile); - fringe; - low profile; (no peer profile: cannot be supported)
=========  ====================================================================================

The trend, the trigger's progress and the calendar come from the tracking module's assessment of
the spell (``tracking/assessment.py``, through ``Loanwatch.assessment``), the same object the form
section and the alerts read: when the form trend has too few minutes, no trend is cited here.

The loan's terms and the calendar come before the data:

- an **obligation to buy that has fired**, or that has **no condition** (it fires when the loan
  ends), settles the question: the call is *sell* ("settled by the loan's terms", high confidence,
  because the terms, not the data, decide) and every other option is *not an option now*;
- once the **loan has ended**, recall and keep are not options; once the host club's **league
  season is over**, recall is not an option and, for a loan ending with the season, neither is
  keep: the question is next season (extend, sell, integrate);
- **extend** is never more advisable than **keep**: when keeping him on loan is advised against,
  so is extending the loan.

Confidence, stated in words with its reason: *high* with at least 900 minutes (the player is in
his peer group) over 15 or more matches; *moderate* from 450 minutes over 8 matches; *low*
otherwise. An option's confidence is one step lower when its evidence is mixed (score +-1 or
reasons on both sides). The headline's confidence is its option's; with no option supported it is
low (the page does not say "no option is supported" with high confidence). With fewer than 5
matches of the host club in the store no option is scored at all.

A reading for a kind of player (a goalkeeper's) plugs in at one place: ``_weigher``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

from loanwatch.domain import GOALKEEPER
from loanwatch.reports.i18n import N_
from loanwatch.tracking.assessment import DIRECTIONS

OPTIONS: tuple[str, ...] = ("recall", "keep", "extend", "sell", "integrate")
REGULAR = 0.60
FRINGE = 0.30
HIGH = 67.0
LOW = 33.0
YOUNG = 23
MATURE = 26
MIN_MATCHES = 5
TREND_MATCHES = 8
TREND_CHANGE = 0.25
TRIGGER_NEAR = 3
CONFIDENT_MINUTES = 900
CONFIDENT_MATCHES = 15
MODERATE_MINUTES = 450
MODERATE_MATCHES = 8
SUPPORTED = 2
LEVELS = ("low", "moderate", "high")
# Loanwatch.form's verdicts (tracking/trends.py) as directions: the tracking module's one table
FORM_VERDICTS = DIRECTIONS

TREND_SOURCE_WORDS = {
    "form": N_("according to the form trend"),
    "minutes": N_("in minutes: last five matches against the earlier ones"),
}

ROLE_METRICS: dict[str, tuple[str, ...]] = {
    GOALKEEPER: ("save_pct", "goals_prevented_p90"),  # metrics/goalkeeping.py LEVEL_METRICS
    "centre_back": ("aerials_won", "interceptions", "tackles", "progressive_passes", "recoveries", "vaep"),
    "full_back": ("progressive_passes", "progressive_carries", "xa", "tackles", "interceptions", "vaep"),
    "defensive_midfielder": ("progressive_passes", "interceptions", "tackles", "recoveries", "vaep"),
    "central_midfielder": ("progressive_passes", "key_passes", "progressive_carries", "recoveries", "vaep"),
    "attacking_midfielder": ("key_passes", "xa", "xg", "dribbles", "progressive_carries", "vaep"),
    "winger": ("xa", "key_passes", "dribbles", "progressive_carries", "xg", "vaep"),
    "striker": ("goals", "xg", "shots", "key_passes", "aerials_won", "vaep"),
}


@dataclass(frozen=True)
class Facts:
    as_of: date
    age: int | None
    matches: int  # host club matches in the spell so far, in the store
    appearances: int
    starts: int
    minutes: float
    available_minutes: float
    recent_share: float | None = None  # minutes share of the last five matches
    earlier_share: float | None = None  # minutes share of the matches before them
    role: str | None = None
    percentiles: dict[str, float] = field(default_factory=dict)  # metric -> percentile (0-100)
    peers: int = 0
    qualified: bool = False
    competition: str = ""
    form_trend: str | None = None  # "up", "down", "flat" from the tracking module, when known
    spell_end: date | None = None
    trigger_appearances: int | None = None  # only in the sporting director's edition
    open_alerts: int = 0
    critical_alerts: int = 0
    # from the tracking module's assessment of the spell (tracking/assessment.py): when given,
    # the trend is its verdict and nothing else
    trend_direction: str | None = None  # up, down, flat, unknown
    trend_source: str | None = None  # form, minutes, none
    trigger_state: str | None = None  # fired, will fire, close, open, none
    trigger_count: int | None = None  # appearances as the contract counts them
    season_over: bool = False  # the host club's league season is complete
    ends_with_season: bool = True  # the loan ends in the summer after this season
    show_terms: bool = True  # the edition shows contract terms (the sporting director's)
    # a keeper's goalkeeping profile (reports.data's goalkeeper block); his percentiles are then
    # those of metrics/goalkeeping.py
    goalkeeper: dict[str, Any] | None = None

    @property
    def share(self) -> float | None:
        return self.minutes / self.available_minutes if self.available_minutes else None

    @property
    def level(self) -> float | None:
        wanted = ROLE_METRICS.get(self.role or "", ())
        found = [self.percentiles.get(m) for m in wanted]
        values = [v for v in found if v is not None and v == v]  # NaN: not ranked
        return float(median(values)) if values and self.peers else None

    @property
    def trend(self) -> tuple[str, str]:
        """(direction, source): direction up / down / flat / unknown; source form / minutes / none."""
        if self.trend_source is not None:  # the assessment's verdict: one judgment per page
            return self.trend_direction or "unknown", self.trend_source
        if self.form_trend in ("up", "down", "flat"):
            return self.form_trend, "form"
        if self.matches >= TREND_MATCHES and self.recent_share is not None and self.earlier_share is not None:
            change = self.recent_share - self.earlier_share
            return (
                "up" if change >= TREND_CHANGE else "down" if change <= -TREND_CHANGE else "flat"
            ), "minutes"
        return "unknown", "none"


@dataclass(frozen=True)
class Reason:
    message: str  # a catalog message (English source), with %(name)s placeholders
    params: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (kind, value)
    weight: int = 0  # +1 for the option, -1 against, 0 what the data cannot tell


@dataclass
class Assessment:
    option: str
    reasons: list[Reason] = field(default_factory=list)
    confidence: str = "low"
    closed: bool = False  # not an option now: the calendar or the loan's terms rule it out
    decided: bool = False  # the loan's terms settle it (an obligation to buy that fires)

    @property
    def score(self) -> int:
        return sum(r.weight for r in self.reasons)

    @property
    def stance(self) -> str:
        if self.decided:
            return "decided"
        if self.closed:
            return "closed"
        if self.score >= SUPPORTED:
            return "supported"
        return "against" if self.score <= -1 else "open"

    def close(self, why: Reason) -> None:
        """Not an option now; ``why`` is shown (its weight only says which list it goes in)."""
        self.closed = True
        self.reasons = [r for r in self.reasons if r.weight == 0] + [why]

    def decide(self, why: Reason) -> None:
        self.decided = True
        self.reasons = [why]


@dataclass
class Recommendation:
    options: list[Assessment]
    call: str | None  # the best supported option, None when no option is supported
    confidence: str
    confidence_reasons: list[Reason]
    notes: list[Reason]  # what the evidence could not cover


def _pct(v: float) -> tuple[str, float]:
    return ("pct", v)


def _ordinal(v: float) -> tuple[str, float]:
    return ("num", round(v))


def _sample_confidence(f: Facts) -> tuple[str, Reason]:
    params: dict[str, tuple[str, Any]] = {"minutes": ("num", f.minutes), "matches": ("num", f.matches)}
    if f.minutes >= CONFIDENT_MINUTES and f.matches >= CONFIDENT_MATCHES:
        return "high", Reason(N_("%(minutes)s minutes over %(matches)s matches: a sound sample."), params)
    if f.minutes >= MODERATE_MINUTES and f.matches >= MODERATE_MATCHES:
        return "moderate", Reason(
            N_("%(minutes)s minutes over %(matches)s matches: enough for a first reading, not a verdict."),
            params,
        )
    return "low", Reason(
        N_("Only %(minutes)s minutes over %(matches)s matches: too little to judge on."), params
    )


Options = dict[str, "Assessment"]
Weigher = Callable[[Facts, Options, list[Reason], list[Reason]], None]


def _weigh_play(f: Facts, options: Options, notes: list[Reason], confidence_reasons: list[Reason]) -> None:
    """Minutes, profile against role peers, age and trend: the outfield player's reading."""
    share = f.share or 0.0
    level = f.level
    direction, source = f.trend
    regular, fringe = share >= REGULAR, share < FRINGE
    share_params: dict[str, tuple[str, Any]] = {
        "share": _pct(share),
        "starts": ("num", f.starts),
        "matches": ("num", f.matches),
    }
    level_params: dict[str, tuple[str, Any]] = {
        "level": _ordinal(level or 0),
        "peers": ("num", f.peers),
        "role": ("role", f.role or ""),
        "competition": ("text", f.competition),
    }

    def add(option: str, message: str, params: dict[str, tuple[str, Any]], weight: int) -> None:
        options[option].reasons.append(Reason(message, params, weight))

    # minutes
    if regular:
        msg = N_("A regular: %(share)s of the available minutes, %(starts)s starts in %(matches)s matches.")
        add("recall", msg, share_params, -1)
        add("keep", msg, share_params, +1)
        add("integrate", msg, share_params, +1)
    elif fringe:
        msg = N_(
            "On the fringe: %(share)s of the available minutes, %(starts)s starts in %(matches)s matches."
        )
        add("recall", msg, share_params, +1)
        add("keep", msg, share_params, -1)
        add("extend", msg, share_params, -1)
        add("integrate", msg, share_params, -1)
    else:
        notes.append(
            Reason(
                N_(
                    "A rotation player: %(share)s of the available minutes, %(starts)s starts in "
                    "%(matches)s matches."
                ),
                share_params,
            )
        )

    # profile against role peers
    notes.extend(goalkeeper_reasons(f))
    if level is None:
        notes.append(
            Reason(
                N_(
                    "No percentile profile against role peers (too few minutes in the data, a goalkeeper, "
                    "or models not trained): nothing is said about the level of his play."
                )
            )
        )
        options["integrate"].reasons.append(
            Reason(N_("Without a peer profile the data cannot support integration."), {}, 0)
        )
    else:
        if not f.qualified:
            confidence_reasons.append(
                Reason(
                    N_(
                        "He is under the minutes threshold of his peer group: his percentiles rest on "
                        "few minutes."
                    )
                )
            )
        if level >= HIGH:
            msg = N_(
                "Profile in the top third: median percentile %(level)s against %(peers)s "
                "players in his role (%(role)s) in %(competition)s."
            )
            if f.qualified:
                add("integrate", msg, level_params, +1)
            add("sell", msg, level_params, -1)
            if regular:
                add(
                    "extend",
                    N_("Performing in the top third as a regular: ready for more than another loan."),
                    {},
                    -1,
                )
            if direction == "up":
                add("integrate", N_("His trend is upward."), {}, +1)
        elif level < LOW:
            msg = N_(
                "Profile in the bottom third: median percentile %(level)s against %(peers)s "
                "players in his role (%(role)s) in %(competition)s."
            )
            add("integrate", msg, level_params, -1)
            add("keep", msg, level_params, -1)
            if f.age is not None and f.age >= MATURE - 1:
                add("sell", msg, level_params, +1)
        else:
            msg = N_(
                "Profile in the middle third: median percentile %(level)s against %(peers)s "
                "players in his role (%(role)s) in %(competition)s."
            )
            add("keep", msg, level_params, +1)
            add("extend", msg, level_params, +1)

    # age
    if f.age is not None:
        age = {"age": ("num", f.age)}
        if f.age <= YOUNG:
            if regular:
                add("extend", N_("At %(age)s he is still developing, and he plays."), age, +1)
            add("sell", N_("At %(age)s his value can still grow."), age, -1)
        elif f.age >= MATURE:
            add("extend", N_("At %(age)s another loan adds little development."), age, -1)
            if level is not None and level < LOW:
                add("sell", N_("At %(age)s he is unlikely to close the gap to his peers."), age, +1)

    # trend
    if direction == "down":
        params = {"source": ("msg", TREND_SOURCE_WORDS[source])}
        add("recall", N_("His trend is downward (%(source)s)."), params, +1)
        add("keep", N_("His trend is downward (%(source)s)."), params, -1)
    elif direction == "unknown":
        if source == "form" or f.trend_source == "form":
            notes.append(Reason(N_("No trend to read: too few minutes for the form trend.")))
        else:
            notes.append(Reason(N_("Too few matches to read a trend.")))


def _weigher(f: Facts) -> Weigher:
    """The one place a reading for a kind of player plugs in (a goalkeeper's branch returns its own
    function here); every other step (terms, calendar, confidence) is shared."""
    return _weigh_play


def _terms_decide(f: Facts) -> Reason | None:
    """An obligation to buy that has fired, or has no condition and so will, settles the question."""
    if f.trigger_state == "fired":
        if not f.show_terms:
            return Reason(
                N_("His future is settled by the loan's terms (see the sporting director's edition).")
            )
        return Reason(
            N_("The obligation to buy was met (%(done)s of %(needed)s appearances): the host club buys him."),
            {"done": ("num", f.trigger_count or 0), "needed": ("num", f.trigger_appearances or 0)},
            +1,
        )
    if f.trigger_state == "will fire":
        if not f.show_terms:
            return Reason(
                N_("His future is settled by the loan's terms (see the sporting director's edition).")
            )
        return Reason(
            N_(
                "The loan carries an obligation to buy with no condition: the host club buys him when "
                "the loan ends."
            ),
            {},
            +1,
        )
    return None


def _weigh_terms(f: Facts, options: Options, notes: list[Reason]) -> None:
    """A purchase trigger on appearances, counted as the contract counts them."""
    if not f.trigger_appearances:
        return
    done = f.trigger_count if f.trigger_count is not None else f.appearances
    trig: dict[str, tuple[str, Any]] = {"needed": ("num", f.trigger_appearances), "done": ("num", done)}
    if done >= f.trigger_appearances:
        options["sell"].reasons.append(
            Reason(N_("The obligation to buy is met: %(done)s appearances of %(needed)s."), trig, +1)
        )
    elif f.trigger_appearances - done <= TRIGGER_NEAR:
        options["sell"].reasons.append(
            Reason(
                N_("The obligation to buy is close: %(done)s appearances of the %(needed)s it needs."),
                trig,
                +1,
            )
        )
    else:
        notes.append(Reason(N_("The obligation to buy needs %(needed)s appearances; he has %(done)s."), trig))


def _follow_the_calendar(f: Facts, options: Options) -> None:
    """Options the calendar has closed: nothing to recall or keep once the loan or the season is
    over; then the question is next season."""
    end = {"end": ("date", f.spell_end)} if f.spell_end is not None else {}
    if f.spell_end is not None and f.spell_end < f.as_of:
        options["recall"].close(Reason(N_("The loan ended on %(end)s: there is nothing to recall."), end, -1))
        options["keep"].close(Reason(N_("The loan ended on %(end)s."), end))
    elif f.season_over:
        options["recall"].close(
            Reason(N_("The season is over: a recall changes nothing now; the question is next season."))
        )
        if f.ends_with_season and f.spell_end is not None:
            options["keep"].close(
                Reason(N_("The loan ends with the season (%(end)s): the question is next season."), end)
            )


def _trend_stays_on_the_page(f: Facts, options: Options, notes: list[Reason]) -> None:
    """A trend the form section shows is said here too, even when the options citing it closed."""
    direction, source = f.trend
    cited = any("trend is" in r.message for a in options.values() for r in a.reasons)
    if direction in ("up", "down") and not cited and source in TREND_SOURCE_WORDS:
        message = (
            N_("His trend is downward (%(source)s).") if direction == "down" else N_("His trend is upward.")
        )
        params = {"source": ("msg", TREND_SOURCE_WORDS[source])} if direction == "down" else {}
        notes.append(Reason(message, params))


def _keep_before_extend(options: Options) -> None:
    """Extending a loan keeps him there longer: never more advisable than keeping him there."""
    keep, extend = options["keep"], options["extend"]
    if keep.stance == "against" and extend.stance in ("open", "supported"):
        extend.reasons.append(
            Reason(
                N_("Keeping him on loan is advised against: extending the loan is too."),
                {},
                -(extend.score + 1),
            )
        )


def recommend(f: Facts) -> Recommendation:
    options: Options = {o: Assessment(o) for o in OPTIONS}
    notes: list[Reason] = []
    confidence, why = _sample_confidence(f)
    confidence_reasons = [why]

    decided = _terms_decide(f)
    if decided is not None:
        options["sell"].decide(decided)
        for name in ("recall", "keep", "extend", "integrate"):
            options[name].close(Reason(N_("Not an option: the loan's terms settle his future.")))
        for a in options.values():
            a.confidence = "high"
        return Recommendation(
            list(options.values()),
            "sell",
            "high",
            [Reason(N_("The loan's terms decide, not the match data."))],
            notes,
        )

    if f.matches < MIN_MATCHES:
        notes.append(
            Reason(
                N_("Only %(matches)s matches of the host club are in the data: no option is weighed yet."),
                {"matches": ("num", f.matches)},
            )
        )
        for a in options.values():
            a.confidence = "low"
        return Recommendation(list(options.values()), None, "low", confidence_reasons, notes)

    _weigher(f)(f, options, notes, confidence_reasons)
    _weigh_terms(f, options, notes)
    if f.critical_alerts:
        options["recall"].reasons.append(
            Reason(
                N_("%(n)s open critical alerts (see the alerts section)."),
                {"n": ("num", f.critical_alerts)},
                +1,
            )
        )
    _follow_the_calendar(f, options)
    _keep_before_extend(options)
    _trend_stays_on_the_page(f, options, notes)

    # confidence per option: one step lower when the evidence is thin or mixed
    base = LEVELS.index(confidence)
    for a in options.values():
        weights = [r.weight for r in a.reasons if r.weight]
        mixed = abs(a.score) <= 1 or (1 in weights and -1 in weights)
        a.confidence = LEVELS[max(0, base - 1) if mixed else base]
    supported = [a for a in options.values() if a.stance == "supported"]
    call = max(supported, key=lambda a: a.score).option if supported else None
    if call is not None and sum(1 for a in supported if a.score == options[call].score) > 1:
        call = None  # a tie: the data does not choose between them
    if call is None:
        # the headline says no option is supported: its confidence cannot be more than low
        confidence = "low"
        confidence_reasons.append(Reason(N_("No option is supported, so none is advised with confidence.")))
    else:
        confidence = options[call].confidence  # the headline's confidence is its option's
    return Recommendation(list(options.values()), call, confidence, confidence_reasons, notes)


def goalkeeper_reasons(f: Facts) -> list[Reason]:
    """What a keeper's level rests on, in figures (the level itself is weighed with the other
    roles': ``ROLE_METRICS['goalkeeper']``, the median percentile of save % and goals prevented):
    his saves over the shots on target he faced, and the goals he prevented against an average
    keeper of his league. Nothing for an outfield player, nothing without shots faced."""
    gk = f.goalkeeper
    if not gk or not gk.get("shots_faced"):
        return []
    out: list[Reason] = []
    pct = f.percentiles.get("save_pct")
    saves: dict[str, tuple[str, Any]] = {
        "saves": ("num", gk["saves"]),
        "shots": ("num", gk["shots_faced"]),
        "share": _pct(gk["save_pct"] or 0.0),
        "competition": ("text", f.competition),
    }
    if pct is not None and f.peers:
        saves |= {"rank": _ordinal(pct), "peers": ("num", f.peers)}
        out.append(
            Reason(
                N_(
                    "He saved %(saves)s of the %(shots)s shots on target he faced (%(share)s): percentile "
                    "%(rank)s among %(peers)s goalkeepers of %(competition)s."
                ),
                saves,
            )
        )
    else:
        out.append(
            Reason(N_("He saved %(saves)s of the %(shots)s shots on target he faced (%(share)s)."), saves)
        )
    prevented = gk.get("goals_prevented")
    if prevented is not None:
        out.append(
            Reason(
                N_(
                    "Goals prevented against an average goalkeeper of %(competition)s: %(value)s "
                    "(%(conceded)s goals conceded from shots)."
                ),
                {
                    "competition": ("text", f.competition),
                    "value": ("signed", prevented),
                    "conceded": ("num", gk["goals_from_shots"]),
                },
            )
        )
    return out


def trend_from_form(form: Any) -> str | None:
    """The direction of the tracking module's form verdict (``Loanwatch.form``), when it says one."""
    if not isinstance(form, dict):
        return None
    verdict = str(form.get("verdict") or "").lower()
    if verdict in FORM_VERDICTS:
        return FORM_VERDICTS[verdict]
    for key in ("direction", "trend", "verdict"):
        value = str(form.get(key) or "").lower()
        if any(w in value for w in ("improv", "rising", "up", "better")):
            return "up"
        if any(w in value for w in ("declin", "falling", "down", "worse", "drop")):
            return "down"
        if any(w in value for w in ("stable", "flat", "steady")):
            return "flat"
    return None
