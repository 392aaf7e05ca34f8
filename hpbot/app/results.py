"""What /ketqua shows an organizer: the standings as text, the units, and what its charts are drawn from.

Read on a snapshot in a worker thread (`CompetitionService.apart`). Only this small result goes back to the event
loop: the report's 200,000 member lines and 300,000 group-days of a city are freed in the worker, a slice at a
time (`bulk.dropped`), instead of by the loop at once when the handler ends (~0.35 s of the GIL in C).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hpbot.app import messages
from hpbot.app.bulk import dropped
from hpbot.app.competitions import Competition, CompetitionService, question_rates
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
    report = service.report(comp)
    standings = report.standings
    out = Results(
        messages.competition_results(standings) + PredictionService(service).results_html(standings),
        standings.groups,
        UnitService(service).ranked(standings),
        question_rates(report.days),
        report.generated_at,
    )
    dropped(report.days, standings.members)
    return out
