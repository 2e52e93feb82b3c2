"""The football words of the reports, as catalog messages (translated where they are shown)."""

from __future__ import annotations

from loanwatch.reports.i18n import N_, NP_

STATUS = {
    "started": N_("started"),
    "came_on": N_("came on"),
    "unused": N_("unused substitute"),
    "not_in_squad": N_("not in the squad"),
    "no_data": N_("no data"),
    "ineligible": N_("ineligible (owner club)"),
}
ROLES = {
    "goalkeeper": N_("goalkeeper"),
    "centre_back": N_("centre-back"),
    "full_back": N_("full-back"),
    "defensive_midfielder": N_("defensive midfielder"),
    "central_midfielder": N_("central midfielder"),
    "attacking_midfielder": N_("attacking midfielder"),
    "winger": N_("winger"),
    "striker": N_("striker"),
}
COARSE_ROLES = {
    "GK": N_("goalkeeper"),
    "DF": N_("defender"),
    "MD": N_("midfielder"),
    "FW": N_("forward"),
}
FEET = {"right": N_("right-footed"), "left": N_("left-footed"), "both": N_("two-footed")}
LOAN_TYPES = {
    "dry_loan": N_("dry loan"),
    "loan_with_option": N_("loan with option to buy"),
    "loan_with_obligation": N_("loan with obligation to buy"),
    "loan_back": N_("loan back"),
}
METRICS = {
    "goals": N_("Goals"),
    "xg": N_("xG"),
    "xa": N_("xA"),
    "shots": N_("Shots"),
    "key_passes": N_("Key passes"),
    "progressive_passes": N_("Progressive passes"),
    "progressive_carries": N_("Progressive carries"),
    "dribbles": N_("Dribbles completed"),
    "duels_won": N_("Duels won"),
    "aerials_won": N_("Aerial duels won"),
    "interceptions": N_("Interceptions"),
    "tackles": N_("Tackles"),
    "recoveries": N_("Ball recoveries"),
    "vaep": N_("VAEP"),
}
GROUPS = {"attack": N_("Attack"), "possession": N_("Possession"), "defence": N_("Defending")}
OPTIONS = {
    "recall": N_("Recall"),
    "keep": N_("Keep on loan"),
    "extend": N_("Extend the loan"),
    "sell": N_("Sell"),
    "integrate": N_("Integrate into the first team"),
}
STANCES = {
    "supported": N_("supported"),
    "open": N_("open"),
    "against": N_("advised against"),
    "closed": N_("not an option now"),
    "decided": N_("settled by the loan's terms"),
}
CONFIDENCE = {
    "low": N_("low confidence"),
    "moderate": N_("moderate confidence"),
    "high": N_("high confidence"),
}
SEVERITY = {"critical": N_("critical"), "warning": N_("warning"), "info": N_("information")}
EDITIONS = {"coach": N_("Coach's edition"), "director": N_("Sporting director's edition")}
FORM_VERDICTS = {
    "breakout": N_("breakout"),
    "slump": N_("slump"),
    "steady": N_("steady"),
    "not enough minutes": N_("not enough minutes"),
    "not for goalkeepers": N_("not read for a goalkeeper"),
    "no data": N_("no data"),
}
# A loan spell on the as-of date (the web portfolio's status filter).
SPELL_STATES = {"active": N_("on loan"), "upcoming": N_("not started"), "ended": N_("ended")}
# Trigger progress (tracking/assessment.TriggerProgress): its state.
TRIGGER_STATES = {
    "fired": N_("triggered"),
    "will fire": N_("will be triggered"),
    "close": N_("close"),
    "open": N_("open"),
    "none": N_("no condition"),
}
ALERT_KINDS = {
    "minutes_collapse": N_("Minutes collapse"),
    "out_of_squad": N_("Out of the squad"),
    "not_starting": N_("No longer starting"),
    "role_change": N_("Change of role"),
    "breakout": N_("Breakout"),
    "slump": N_("Slump"),
    "obligation_close": N_("Obligation to buy close"),
    "obligation_fired": N_("Obligation to buy triggered"),
    "loan_ending": N_("Loan ending"),
    "recall_window": N_("Recall window"),
}
FORM_TREND = N_(
    "%(metric)s per 90 over the last %(n)s matches: %(recent)s (%(rmin)s minutes), against %(base)s "
    "before them (%(bmin)s minutes, shrunk toward the %(role)s average): a change of %(change)s per "
    "90, %(z)s standard errors."
)
FORM_SHORT = N_(
    "%(rmin)s minutes in the last %(n)s matches and %(bmin)s before them: too few to tell a trend from noise."
)
FORM_KEEPER = N_(
    "The form trend reads VAEP per 90, which measures play with the ball, not goalkeeping: for a "
    "goalkeeper, read his goalkeeping profile instead."
)
FORM_METHOD = N_(
    "A breakout or a slump is called only when the change is larger than the noise of the minutes "
    "played; the alerts and the recommendation read the same verdict."
)

# goalkeepers: the goalkeeping profile's rows (metrics/goalkeeping.py GK_METRICS)
GOALKEEPER_METRICS = {
    "save_pct": N_("Save percentage"),
    "goals_prevented_p90": N_("Goals prevented per 90"),
    "goals_conceded_p90": N_("Goals conceded per 90"),
    "shots_faced_p90": N_("Shots on target faced per 90"),
    "claims_p90": N_("Claims (off his line) per 90"),
    "sweeps_p90": N_("Sweeping actions per 90"),
    "passes_p90": N_("Passes per 90"),
    "pass_accuracy": N_("Pass completion"),
    "long_pass_accuracy": N_("Long pass completion"),
    "launch_share": N_("Share of long passes"),
}
GOALKEEPER_SHARES = frozenset({"save_pct", "pass_accuracy", "long_pass_accuracy", "launch_share"})


# Counted things, "1 goal" / "2 goals" in each language's plural forms (reports and the CLI).
COUNTS: dict[str, tuple[str, str]] = {
    "goals": NP_("%(n)s goal", "%(n)s goals"),
    "assists": NP_("%(n)s assist", "%(n)s assists"),
    "appearances": NP_("%(n)s appearance", "%(n)s appearances"),
    "starts": NP_("%(n)s start", "%(n)s starts"),
    "shots": NP_("%(n)s shot", "%(n)s shots"),
    "matches": NP_("%(n)s match", "%(n)s matches"),
}

# -- alerts in the reader's words: one message per kind, written from the alert's evidence ----------
# (render.alert_text; the tracking module's own title is English and is not shown in reports)
ALERT_TEXTS: dict[str, str | tuple[str, str]] = {
    "minutes_collapse": NP_(
        "%(share)s of the minutes in the last match (%(before)s before)",
        "%(share)s of the minutes over the last %(n)s matches (%(before)s before)",
    ),
    "out_of_squad": NP_(
        "Not in the squad for %(n)s match (since %(since)s)",
        "Not in the squad for %(n)s matches in a row (since %(since)s)",
    ),
    "not_starting": NP_(
        "No start in %(n)s match (since %(since)s): %(unused)s unused on the bench, %(came_on)s off the "
        "bench, %(absent)s not in the squad",
        "No start in %(n)s matches (since %(since)s): %(unused)s unused on the bench, %(came_on)s off the "
        "bench, %(absent)s not in the squad",
    ),
    "role_change": N_("Now plays as %(to)s (was %(was)s)"),
    "breakout": N_("%(metric)s per 90 up to %(recent)s, against %(base)s before (%(z)s standard errors)"),
    "slump": N_("%(metric)s per 90 down to %(recent)s, against %(base)s before (%(z)s standard errors)"),
    "obligation_fired": N_("Purchase condition reached on %(date)s: “%(trigger)s”"),
    "obligation_close": NP_(
        "%(count)s of %(target)s for the purchase condition “%(trigger)s”: %(n)s to go",
        "%(count)s of %(target)s for the purchase condition “%(trigger)s”: %(n)s to go",
    ),
    "loan_ending": NP_("The loan ends on %(date)s, in %(n)s day", "The loan ends on %(date)s, in %(n)s days"),
    "recall_window": N_("Recall window open until %(date)s"),
}
ALERT_FEE = N_("fee %(fee)s")
ALERT_DECISION = N_("%(text)s: %(decision)s")
LOAN_DECISIONS = {
    "loan_with_option": N_("decide on the option"),
    "loan_with_obligation": N_("check the condition of the obligation to buy"),
    "loan_back": N_("he returns to the club"),
    "dry_loan": N_("plan his return or his next loan"),
}
# Data-quality warnings stored on a match (matches.warnings), by code; others show their own text.
WARNING_CODES = {
    "score_mismatch": N_(
        "the goals in the events differ from the match sheet's score (a partial feed, accepted at ingest)"
    ),
}
# Where the reference league of the league adjustment comes from (metrics/league.py).
REFERENCE_SOURCES = {
    "chosen": N_("the reference league chosen for this report"),
    "setting": N_("the club's reference league setting"),
    "owner_data": N_("the league of the owner club, %(owner)s"),
    "owner_list": N_("the league of the owner club, %(owner)s, from the loan list"),
    "owner_table": N_("the league of the owner club, %(owner)s, from the table of owner leagues"),
    "default": N_("the default reference league"),
}
# The model versions a report's figures come from (the models registry, metrics/models.py).
MODEL_VERSION = N_("%(model)s version %(version)s, trained on %(date)s")
MODELS_USED = N_("Figures from the models %(models)s.")
MODELS_NOT_TRAINED = N_("Models not trained in this store.")
REFERENCE_UNRATED = N_("%(league)s, the owner club's league, has no strength in the table")
# The market plan's decisions (market/plan.py DECISIONS), as the plan's pages name them.
DECISIONS = {
    "recall": N_("Recall"),
    "extend": N_("Extend the loan"),
    "sell": N_("Sell"),
    "loan-out": N_("Loan out again"),
    "sign": N_("Sign"),
    "integrate": N_("Integrate into the first team"),
    "develop": N_("Keep developing on loan"),
}
# Next season's status of a player in the depth chart (market/depth.py STATUSES).
DEPTH_STATUS = {
    "stays": N_("stays"),
    "contract_ends": N_("contract ends"),
    "returns": N_("returns from loan"),
    "leaves": N_("leaves"),
    "decision": N_("open: an option to buy"),
    "on_loan": N_("on loan"),
}
# The plan's counts of next season (market/plan.py COUNTS).
PLAN_COUNTS = {
    "squad": N_("Players in the squad"),
    "returning": N_("Back from loan"),
    "signed": N_("Signed"),
    "on_loan": N_("On loan out"),
    "leaving": N_("Leaving (sold, bought by the host club, contract ended)"),
    "open": N_("Open: an option to buy not known to be exercised"),
}
# The coach's edition of the plan names no contract term (access.py): a host club's open option to
# buy is a status "not settled yet" there, the director's edition says which term keeps it open.
DEPTH_STATUS_COACH = {**DEPTH_STATUS, "decision": N_("not settled yet")}
PLAN_COUNTS_COACH = {**PLAN_COUNTS, "open": N_("Not settled yet: whether they stay or leave is not known")}
# A rule's finding (market/check.py FINDING_STATUSES).
FINDINGS = {
    "breach": N_("breach"),
    "near_breach": N_("near breach"),
    "cannot_check": N_("cannot check"),
    "ok": N_("within the rule"),
    "not_applicable": N_("not applicable"),
}

# Similar players (market similar): the style features (market.similarity's action groups, and
# the depth and channel a component is centred in) and the page's headings.
STYLE_GROUPS = {
    "shot": N_("Shots"),
    "pass": N_("Passes"),
    "cross": N_("Crosses"),
    "dribble": N_("Carries"),
    "defence": N_("Defensive actions"),
}
DEPTHS = {
    "own_third": N_("own third"),
    "middle_third": N_("middle third"),
    "final_third": N_("final third"),
    "box": N_("penalty area"),
}
WIDTHS = {
    "right_wing": N_("right wing"),
    "right_half_space": N_("right half-space"),
    "centre": N_("centre"),
    "left_half_space": N_("left half-space"),
    "left_wing": N_("left wing"),
}
STYLE_FEATURE = N_("%(action)s: %(width)s, %(depth)s")
OUTPUT_FEATURE = N_("%(metric)s per 90")
SIMILAR_SEARCHES = {"style": N_("By style"), "output": N_("By output")}
