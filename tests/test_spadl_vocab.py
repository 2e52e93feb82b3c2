"""The one home of SPADL's vocabulary equals socceraction's own (``socceraction.spadl.config``)."""

from __future__ import annotations

from socceraction.spadl import config as spadl

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.providers import spadl_vocab


def test_spadl_vocabulary_is_socceractions() -> None:
    assert list(spadl_vocab.ACTION_TYPES) == list(spadl.actiontypes)
    assert list(spadl_vocab.RESULTS) == list(spadl.results)
    assert list(spadl_vocab.BODYPARTS) == list(spadl.bodyparts)
    assert (spadl.field_length, spadl.field_width) == (PITCH_LENGTH, PITCH_WIDTH)
    assert {name: i for i, name in enumerate(spadl.actiontypes)} == spadl_vocab.ACTION_TYPE_IDS
    assert spadl.results.index("success") == spadl_vocab.SUCCESS
    assert spadl.results.index("owngoal") == spadl_vocab.OWNGOAL
