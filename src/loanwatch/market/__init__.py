"""The market plan's package (issue 11): the owner's squad weighed against the market, within the rules.

Today it holds the rules: the loan and squad-list rule sets as data files (``rules/*.toml``) and
their loader (:mod:`loanwatch.market.rulesets`).
"""
