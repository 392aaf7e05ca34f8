"""What /ketqua shows an organizer: the standings as text, the units, and what its charts are drawn from.

Read on a snapshot in a worker thread (`CompetitionService.apart`). Only this small result goes back to the event
loop: a city's 200,000 member lines are freed in the worker, a slice at a time (`bulk.dropped`), instead of by the
loop at once when the handler ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hpbot.app import messages
from hpbot.app.bulk import collections_paused, dropped
from hpbot.app.competitions import Competition, CompetitionService
from hpbot.app.predictions import PredictionService
from hpbot.app.units import UnitService
from hpbot.domain.competition import GroupTotals
from hpbot.domain.units import UnitTotals


@dataclass(frozen=True)
class Results:
    html: str  # the standings and the tie-break, as the organizer reads them
    groups: Sequence[tuple[int, GroupTotals]]  # every cell ranked (the ranking chart)
    units: list[tuple[int, UnitTotals]]  # the units of the unit list ranked (none without one)
    questions: list[tuple[int, int, int]]  # (question, answers, right answers), the hardest first
    generated_at: datetime


def results(service: CompetitionService, comp: Competition) -> Results:
    """The standings as the report has them (members under their /hoten names), and the per-question rates read
    without the report's per-day rows (a city's 300,000: ~3 s of a 6 s /ketqua)."""
    with collections_paused():
        standings = service.standings(comp, full_names=True)
        out = Results(
            messages.competition_results(standings) + PredictionService(service).results_html(standings),
            standings.groups,
            UnitService(service).ranked(standings),
            service.question_rates(comp),
            service.now(),
        )
        dropped(standings.members)
    return out
