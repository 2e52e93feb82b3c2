"""``python -m loanwatch.cli``: the ``loanwatch`` command."""

from loanwatch.cli import app

app()
