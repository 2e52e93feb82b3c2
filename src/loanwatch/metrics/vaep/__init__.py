"""VAEP action values (socceraction's framework), computed for all matches at once.

socceraction computes VAEP match by match: ``VAEP.compute_features`` builds each game's game
states with a pandas ``groupby().apply(shift)`` per previous action and concatenates some 190
small frames per game; ``compute_labels`` and ``rate`` repeat the same per game. Here the same
features, labels and formula are computed for every match in one pass with numpy index
arithmetic, one concept per module as in ``socceraction.vaep``:

- ``games``: the row bookkeeping (first and last row of each game, first row of each period);
- ``features``: the default features, as a CSR matrix (a game state's previous actions are rows
  ``max(i - k, first row of the period)``);
- ``labels``: scores / concedes within the next 10 actions (``min(i + k, last row of the game)``);
- ``formula``: offensive and defensive value from the two probabilities (the previous action is
  ``max(i - 1, first row of the game)``);
- ``model``: :class:`VaepModel` (socceraction's ``VAEP`` with its LightGBM classifiers), training,
  rating and the held-out quality.

The results are tested equal to socceraction's per-game output (features exactly, values within
1e-6) in ``tests/test_action_values.py``. Storing and versioning go through the model registry,
``loanwatch.metrics.models``, as for xT and xG.

``VaepModel`` is importable from here because the models pickled before this package was split
name it ``loanwatch.metrics.vaep.VaepModel``.
"""

from loanwatch.metrics.vaep.features import compute_features, feature_columns, feature_matrix
from loanwatch.metrics.vaep.labels import compute_labels
from loanwatch.metrics.vaep.model import (
    VaepModel,
    holdout_quality,
    rate_vaep,
    train_vaep,
)

__all__ = [
    "VaepModel",
    "compute_features",
    "compute_labels",
    "feature_columns",
    "feature_matrix",
    "holdout_quality",
    "rate_vaep",
    "train_vaep",
]
