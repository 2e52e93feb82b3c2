"""The store's tables (SQLAlchemy Core). Alembic migrations in ``store/migrations`` create them.

Every entity has its own integer key; the provider's id is kept beside it, unique per provider,
never the only key, so other providers and hand-made records fit in beside Wyscout's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from loanwatch.domain import MATCH_COUNT_METRICS, MATCH_VALUE_METRICS
from loanwatch.frames import GOALKEEPER_MATCH_COUNTS

metadata = MetaData()


def _provider_entity(name: str, *columns: Column[Any], provider_key: str = "provider_id") -> Table:
    """A table of things a provider describes (competitions, clubs, players, matches; and, keyed
    by the provider's match id, match sheets and fixtures): its own integer key, and the
    provider's id beside it, unique per provider."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("provider", String(32), nullable=False),
        Column(provider_key, String(64), nullable=False),
        *columns,
        UniqueConstraint("provider", provider_key, name=f"uq_{name}_provider"),
    )


ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("source", Text, nullable=False),
    Column("summary", Text),  # JSON: matches, events, players, skipped, rejected
)

source_files = Table(
    "source_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("provider", String(32), nullable=False),
    Column("kind", String(32), nullable=False),  # match, sheets, players, teams
    Column("status", String(16), nullable=False),  # ingested, rejected
    Column("error", Text),
    Column("run_id", Integer, ForeignKey("ingest_runs.id")),
    Column("ingested_at", DateTime, nullable=False),
    UniqueConstraint("path", name="uq_source_files_path"),
)
Index("ix_source_files_sha256", source_files.c.sha256)

match_sheets = _provider_entity(
    "match_sheets",
    Column("source_file_id", Integer, ForeignKey("source_files.id"), nullable=False),
    Column("sheet", Text, nullable=False),  # the provider's own JSON for this match, verbatim
    provider_key="provider_match_id",
)

competitions = _provider_entity(
    "competitions",
    Column("name", Text, nullable=False),
    Column("area", Text, nullable=False, default=""),
)

seasons = Table(
    "seasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", Integer, ForeignKey("competitions.id"), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("name", String(16), nullable=False),  # 2017/18, or 2016 for a tournament
    UniqueConstraint("competition_id", "provider_id", name="uq_seasons_provider"),
)

clubs = _provider_entity(
    "clubs",
    Column("name", Text, nullable=False),
    Column("official_name", Text, nullable=False, default=""),
    Column("area", Text, nullable=False, default=""),
)

players = _provider_entity(
    "players",
    Column("short_name", Text, nullable=False),
    Column("first_name", Text, nullable=False, default=""),
    Column("last_name", Text, nullable=False, default=""),
    Column("birth_date", Date),
    Column("foot", String(16), nullable=False, default=""),
    Column("height_cm", Integer),
    Column("role", String(8), nullable=False, default=""),
    Column("nationality", Text, nullable=False, default=""),
    # Area codes (ISO alpha-2, or the provider's alpha-3 for the home nations): migration 0011
    Column("passport_area", String(8), nullable=False, server_default=""),
    Column("birth_area", String(8), nullable=False, server_default=""),
)

matches = _provider_entity(
    "matches",
    Column("season_id", Integer, ForeignKey("seasons.id"), nullable=False),
    Column("kickoff", DateTime, nullable=False),
    Column("gameweek", Integer),
    Column("home_club_id", Integer, ForeignKey("clubs.id"), nullable=False),
    Column("away_club_id", Integer, ForeignKey("clubs.id"), nullable=False),
    Column("home_score", Integer, nullable=False),
    Column("away_score", Integer, nullable=False),
    Column("duration", String(16), nullable=False, default="Regular"),
    Column("length_minutes", Float, nullable=False),
    Column("period_minutes", Text, nullable=False),  # JSON {period: minutes}
    Column("venue", Text, nullable=False, default=""),
    Column("source_file_id", Integer, ForeignKey("source_files.id"), nullable=False),
    # Checks that failed and that the user accepted explicitly (an excerpt whose events do not add
    # up to the score, say): shown wherever the match is used. Empty for a clean match.
    Column("warnings", Text, nullable=False, server_default=""),
)
Index("ix_matches_kickoff", matches.c.kickoff)

appearances = Table(
    "appearances",
    metadata,
    Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("player_id", Integer, ForeignKey("players.id"), primary_key=True),
    Column("club_id", Integer, ForeignKey("clubs.id"), nullable=False),
    Column("status", String(16), nullable=False),  # started, came_on, unused
    Column("minute_on", Float),
    Column("minute_off", Float),
    Column("minutes_played", Float, nullable=False),
    Column("position", String(16), nullable=False, default=""),
    Column("goals", Integer, nullable=False, default=0),
    Column("own_goals", Integer, nullable=False, default=0),
    Column("assists", Integer, nullable=False, default=0),
    Column("shots", Integer, nullable=False, default=0),
    Column("shots_on_target", Integer, nullable=False, default=0),
    Column("passes", Integer, nullable=False, default=0),
    Column("passes_accurate", Integer, nullable=False, default=0),
    Column("yellow_cards", Integer, nullable=False, default=0),
    Column("red_card", Boolean, nullable=False, default=False),
)
Index("ix_appearances_player", appearances.c.player_id)

events = Table(
    "events",
    metadata,
    Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),  # order within the match
    Column("provider_event_id", String(64), nullable=False),
    Column("period", Integer, nullable=False),
    Column("second", Float, nullable=False),
    Column("club_id", Integer, nullable=False),
    Column("player_id", Integer),
    Column("type", String(32), nullable=False),
    Column("subtype", String(48), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("outcome", Boolean),
    Column("x", Float),
    Column("y", Float),
    Column("end_x", Float),
    Column("end_y", Float),
    Column("is_goal", Boolean, nullable=False),
    Column("is_own_goal", Boolean, nullable=False),
    Column("is_assist", Boolean, nullable=False),
    Column("on_target", Boolean, nullable=False),
    Column("body_part", String(16), nullable=False),
    Column("tags", Text, nullable=False),  # the provider's qualifiers, space separated
    # Clustered on (match_id, seq): a match's events are written and read together, and one
    # B-tree instead of a table plus an index halves the cost of the season's 650,000 inserts.
    sqlite_with_rowid=False,
)

loan_spells = Table(
    "loan_spells",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("player_id", Integer, ForeignKey("players.id"), nullable=False),
    Column("player_name", Text, nullable=False),  # as the club's list writes it
    Column("parent_club", Text, nullable=False),
    Column("host_club_id", Integer, ForeignKey("clubs.id")),
    Column("host_club_name", Text, nullable=False),
    Column("competition_name", Text, nullable=False, default=""),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("loan_type", String(32), nullable=False),
    Column("option_fee_eur", Integer),
    Column("obligation_fee_eur", Integer),
    Column("obligation_trigger", Text, nullable=False, default=""),
    Column("trigger_appearances", Integer),
    Column("recall_clause", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),  # file and row it came from
    # may he play against the club that owns him (the loan's terms); None: the league's rule
    Column("eligible_vs_owner", Boolean),
    # What the import noticed (JSON list of {"kind": ...}): see portfolio/importer.py.
    Column("warnings", Text, nullable=False, default="", server_default=""),
    UniqueConstraint("player_id", "start_date", name="uq_loan_spells_player_start"),
)

# The owner club's squad as the club keeps it (``loanwatch squad import``, migration 0012): one row
# per player, owner club and season. NULL is "not known" (shown "unknown"), never no or zero.
squad_players = Table(
    "squad_players",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_club", Text, nullable=False),  # as the user names it (--owner)
    Column("season", String(16), nullable=False),  # 2017/18
    Column("player_key", Text, nullable=False),  # "id:<players.id>", or the name and birth date
    Column("player_id", Integer, ForeignKey("players.id")),  # NULL: not in the data, kept by name
    Column("player_name", Text, nullable=False),  # as the club's file writes it
    Column("birth_date", Date),
    Column("contract_end", Date),
    Column("club_trained", Boolean),
    Column("club_trained_years", Integer),
    Column("association_trained", Boolean),
    Column("association_trained_years", Integer),
    Column("eu", Boolean),
    Column("wage_eur", Integer),  # a contract term: hidden from the roles that may not see terms
    Column("role", String(32)),  # the file's role (domain.ROLES), NULL: not given (0018)
    Column("source", Text, nullable=False, default=""),  # file and row it came from
    UniqueConstraint("owner_club", "season", "player_key", name="uq_squad_players_owner_season_player"),
)

watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
)

watchlist_players = Table(
    "watchlist_players",
    metadata,
    Column("watchlist_id", Integer, ForeignKey("watchlists.id", ondelete="CASCADE"), primary_key=True),
    Column("player_id", Integer, ForeignKey("players.id"), primary_key=True),
    Column("note", Text, nullable=False, default=""),
)


# -- metrics (issue 3): SPADL actions, trained models, and the values they give each action --------

actions = Table(
    "actions",
    metadata,
    # SPADL (socceraction's schema), coordinates in loanwatch's canonical metres (domain.py).
    Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", Integer, primary_key=True),
    Column("original_event_seq", Integer),  # events.seq of the event it came from
    Column("period_id", Integer, nullable=False),
    Column("time_seconds", Float, nullable=False),
    Column("club_id", Integer, nullable=False),
    Column("player_id", Integer),
    Column("start_x", Float, nullable=False),
    Column("start_y", Float, nullable=False),
    Column("end_x", Float, nullable=False),
    Column("end_y", Float, nullable=False),
    Column("type_id", Integer, nullable=False),
    Column("result_id", Integer, nullable=False),
    Column("bodypart_id", Integer, nullable=False),
    sqlite_with_rowid=False,
)

models = Table(
    "models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # vaep, xt, xg
    Column("version", Integer, nullable=False),  # 1, 2, ... per kind
    Column("trained_at", DateTime, nullable=False),
    Column("training_set", Text, nullable=False),  # JSON: competitions, seasons, matches used
    Column("params", Text, nullable=False),  # JSON: the command's options, library versions
    Column("quality", Text, nullable=False, default=""),  # JSON: held-out scores
    Column("blob", LargeBinary, nullable=False),  # the fitted model (pickle / arrays)
    UniqueConstraint("kind", "version", name="uq_models_kind_version"),
)

action_values = Table(
    "action_values",
    metadata,
    Column("model_id", Integer, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", Integer, primary_key=True),
    Column("offensive", Float, nullable=False),  # VAEP offensive; xT gain; xG of a shot
    Column("defensive", Float, nullable=False),  # VAEP defensive; 0 for xT and xG
    Column("value", Float, nullable=False),  # offensive + defensive (VAEP), xT gain, or xG
    sqlite_with_rowid=False,
)

# Which model version rated each match (0014): the match's action values of that kind and the
# per-match stats computed from them come from this model. Written by every rating (full or
# incremental); a match without a row for the newest model of a kind is the incremental step's to do.
match_ratings = Table(
    "match_ratings",
    metadata,
    Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # vaep, xt, xg
    Column("model_id", Integer, ForeignKey("models.id", ondelete="CASCADE"), nullable=False),
    Column("rated_at", DateTime, nullable=False),
    sqlite_with_rowid=False,
)
Index("ix_match_ratings_model", match_ratings.c.model_id)


def _per_player_match(name: str, *columns: Column[Any]) -> Table:
    """A table of what each player did in each match: one row per match and player (with his club
    and minutes), clustered by match (a match's rows are written together), indexed by player."""
    table = Table(
        name,
        metadata,
        Column("match_id", Integer, ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
        Column("player_id", Integer, ForeignKey("players.id"), primary_key=True),
        Column("club_id", Integer),
        Column("minutes", Float),
        *columns,
        sqlite_with_rowid=False,
    )
    Index(f"ix_{name}_player", table.c.player_id)
    return table


# What each player did in each match (metrics/profile.py's definitions) and the role he played
# there (metrics/roles.py): written by `loanwatch models train`, read by timelines and profiles.
player_match_stats = _per_player_match(
    "player_match_stats",
    *(Column(name, Float) for name in (*MATCH_COUNT_METRICS, *MATCH_VALUE_METRICS)),
    Column("role", String(32)),
    Column("role_confidence", Float),
)

# A goalkeeper's work per match (metrics/goalkeeping.py's definitions: shots on target faced,
# saves, goals conceded, xG faced, claims, sweeping, distribution, frames.GOALKEEPER_MATCH_COUNTS):
# written by `models train`.
goalkeeper_match_stats = _per_player_match(
    "goalkeeper_match_stats",
    *(Column(name, Float) for name in GOALKEEPER_MATCH_COUNTS),
)

alerts = Table(
    "alerts",
    metadata,
    # Alerts raised for loanees and watched players. `key` identifies one situation (kind, player,
    # spell, anchor) so that a replay or a rerun finds it again instead of raising it twice.
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("player_id", Integer, ForeignKey("players.id"), nullable=False),
    Column("spell_id", Integer, ForeignKey("loan_spells.id", ondelete="CASCADE")),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),  # info, warning, critical
    Column("raised_on", Date, nullable=False),  # the as-of date it was first seen
    Column("match_id", Integer, ForeignKey("matches.id")),  # the match that triggered it, if any
    Column("title", Text, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON: the figures behind it
    Column("status", String(16), nullable=False, default="open"),  # open, dismissed
    Column("dismissed_by", Text),
    Column("dismissed_at", DateTime),
    Column("dismiss_reason", Text),
)

scout_notes = Table(
    "scout_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("player_id", Integer, ForeignKey("players.id"), nullable=False),
    Column("author", Text, nullable=False),
    Column("written_on", Date, nullable=False),
    Column("text", Text, nullable=False),
)


# Every match a match sheet lists, whether or not its events were delivered: a loanee's club
# may play matches (cups, leagues not bought) that the store has no data for.
fixtures = _provider_entity(
    "fixtures",
    Column("kickoff", DateTime, nullable=False),
    Column("competition_name", Text, nullable=False),
    Column("home_club_id", Integer, ForeignKey("clubs.id"), nullable=False),
    Column("away_club_id", Integer, ForeignKey("clubs.id"), nullable=False),
    Column("home_score", Integer, nullable=False),
    Column("away_score", Integer, nullable=False),
    provider_key="provider_match_id",
)
Index("ix_fixtures_kickoff", fixtures.c.kickoff)

# -- reads per player (issue 12): indexes and the stored per-season aggregates ---------------------

# A club's matches and fixtures between two dates (a loan spell's timeline), a competition-season's
# matches (its partition).
Index("ix_matches_home_club_kickoff", matches.c.home_club_id, matches.c.kickoff)
Index("ix_matches_away_club_kickoff", matches.c.away_club_id, matches.c.kickoff)
Index("ix_matches_season", matches.c.season_id)
Index("ix_fixtures_home_club_kickoff", fixtures.c.home_club_id, fixtures.c.kickoff)
Index("ix_fixtures_away_club_kickoff", fixtures.c.away_club_id, fixtures.c.kickoff)


def _per_player_season(name: str, *columns: Column[Any]) -> Table:
    """Per player, competition and season: the totals a season profile ranks against (written
    by the metrics step for each competition-season it stores per-match stats of: metrics/
    compute.refresh_season_aggregates), so a player's percentiles read his season's peers here,
    not every per-match row of the store."""
    return Table(
        name,
        metadata,
        Column("season_id", Integer, ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True),
        Column("player_id", Integer, ForeignKey("players.id"), primary_key=True),
        Column("competition_id", Integer, ForeignKey("competitions.id"), nullable=False),
        Column("club_id", Integer),  # the club of most of his minutes
        Column("minutes", Float, nullable=False),
        Column("matches", Integer, nullable=False),
        *columns,
        sqlite_with_rowid=False,
    )


# metrics/profile.season_totals: totals of every per-match metric and the role of most minutes.
season_player_totals = _per_player_season(
    "season_player_totals",
    *(Column(name, Float) for name in (*MATCH_COUNT_METRICS, *MATCH_VALUE_METRICS)),
    Column("role", String(32)),
    Column("role_share", Float),
)

# metrics/goalkeeping.goalkeeper_season_totals: a keeper's totals in goal.
season_goalkeeper_totals = _per_player_season(
    "season_goalkeeper_totals",
    *(Column(name, Float) for name in GOALKEEPER_MATCH_COUNTS),
)

# -- the market plan (issue 11): the decisions on the owner's players, per owner, season and plan ---

# One row per player of a named plan (owner club, season, plan name): recall, extend, sell, loan out
# again, sign (a candidate in the store), integrate, keep developing; who decided it and when. The
# note is the director's (a deal note: access.DECISION_TERMS hides it from roles without terms).
plan_decisions = Table(
    "plan_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner", Text, nullable=False),  # the owner club as the loan list writes it
    Column("season", String(7), nullable=False),  # the season the plan is for: 2018/19
    Column("plan", Text, nullable=False, default="main"),
    Column("player_id", Integer, ForeignKey("players.id"), nullable=False),
    Column("decision", String(16), nullable=False),  # market/plan.py DECISIONS
    # the club a loan-out sends him to (--to), the host an extension keeps; NULL: not given (0018)
    Column("destination", Text),
    Column("note", Text, nullable=False, default=""),
    Column("decided_by", Text, nullable=False, default=""),
    Column("decided_at", DateTime, nullable=False),
    UniqueConstraint("owner", "season", "plan", "player_id", name="uq_plan_decisions_player"),
)

# -- similar players (issue 11): where each player's actions start, per competition-season -------
# market/similarity.py's action groups counted on its grid, per player and competition-season
# (``counts``: JSON {cell: count}); ``style_partitions`` says what each partition was built from
# (its matches and those with actions), so a partition is rebuilt only when its matches change.
style_partitions = Table(
    "style_partitions",
    metadata,
    Column("season_id", Integer, ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", String(64), nullable=False),  # matches, matches with actions, sum of source file ids
    Column("built_at", DateTime, nullable=False),
)
style_counts = Table(
    "style_counts",
    metadata,
    Column("season_id", Integer, ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True),
    Column("player_id", Integer, ForeignKey("players.id"), primary_key=True),
    Column("action_group", String(16), primary_key=True),
    Column("minutes", Float, nullable=False),  # his minutes in the partition's matches
    Column("counts", Text, nullable=False),  # JSON {cell: count}
    sqlite_with_rowid=False,
)

# -- the web app (issue 13): users, their sessions and API tokens, the audit log --------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # access.Role
    Column("password_hash", Text, nullable=False),  # Argon2 (pwdlib): never the password
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Column("lang", String(8), nullable=False, default="en"),  # the user's language: it, en, fr
    Column("as_of", Date),  # the date the user reads as of (None: the latest data)
)

# A login session (kind "session", a cookie) or an API token (kind "token", a bearer): only the
# SHA-256 of the secret the client holds is stored.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),  # session, token
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),  # a session ends when idle too long
    Column("expires_at", DateTime),  # a token ends then
)
Index("ix_sessions_user", sessions.c.user_id)

# Who did what: logins (success or failure, never the password), views of a player and of his
# report, every change (notes, dismissals, watchlists, imports, users).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("user_name", String(64), nullable=False),  # the acting user, or the name a login tried
    Column("action", String(32), nullable=False),
    Column("target", Text, nullable=False, default=""),  # what it was done to: "player 12", a user
    Column("outcome", String(16), nullable=False, default="ok"),  # ok, failure, throttled
    Column("address", String(64), nullable=False, default=""),  # the client's IP (web), "" (CLI)
    Column("detail", Text, nullable=False, default=""),  # JSON
)
Index("ix_audit_log_at", audit_log.c.at)
Index("ix_audit_log_login", audit_log.c.action, audit_log.c.at)
