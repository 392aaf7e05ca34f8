"""The prediction tie-break (issue 19, item 5): members predict in private chat how many members will have every
answer of the round right (`/dudoan`), the organizer sets the rounds (`/cuocthi_vong`); the standings apply it
(`CompetitionService.standings`, the rule in `hpbot/domain/predictions.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from hpbot import texts
from hpbot.app import messages
from hpbot.app.competitions import CompetitionService, Standings
from hpbot.domain.predictions import (
    ContestRound,
    PredictionInputError,
    deadline,
    open_round,
    parse_prediction,
    parse_round_days,
)
from hpbot.domain.statuses import CompetitionStatus
from hpbot.format import day
from hpbot.store.competitions import Competition
from hpbot.store.predictions import Predictions
from hpbot.texts import predictions as pred_texts


@dataclass(frozen=True)
class Open:
    competition: Competition
    round: ContestRound
    rounds: int
    deadline: datetime


class PredictionService:
    def __init__(self, competitions: CompetitionService) -> None:
        self.competitions = competitions
        self.table = Predictions(competitions.store.db)

    # when and what ------------------------------------------------------------------------------------------
    def open_for(self, comp: Competition) -> Open | None:
        """The round a prediction sent now is for; None once the competition is over or its last deadline passed."""
        if comp.status != CompetitionStatus.ACTIVE:
            return None
        rounds = self.competitions.rounds(comp)
        reveal = self.competitions.reveal_time(comp)
        rnd = open_round(rounds, self.competitions.now(), reveal, self.competitions.tz)
        if rnd is None:
            return None
        return Open(comp, rnd, len(rounds), deadline(rnd, reveal, self.competitions.tz))

    def open_now(self, user_id: int) -> list[Open]:
        """The competitions taking predictions now; those the member has a line in first (the others after)."""
        found = [o for c in self.competitions.comps.all() if (o := self.open_for(c)) is not None]
        mine = self.table.competitions_of(user_id)
        in_mine = [o for o in found if o.competition.id in mine]
        return in_mine or found

    # the member ---------------------------------------------------------------------------------------------
    def predict_html(self, user_id: int, args: list[str]) -> str:
        """/dudoan, /dudoan 123, /dudoan N 123: the reply, having saved the number when it could."""
        if not args:
            return self.status_html(user_id)
        if len(args) >= 2 and args[0].isascii() and args[0].isdigit() and len(args[0]) <= 9:
            comp = self.competitions.comps.get(int(args[0]))
            if comp is None:
                return pred_texts.UNKNOWN.format(arg=escape(args[0][:12]))
            typed = " ".join(args[1:])
            chosen = self.open_for(comp)
            if chosen is None:
                return self.closed_html(comp)
        else:
            typed = " ".join(args)
            candidates = self.open_now(user_id)
            if not candidates:
                return pred_texts.NONE_OPEN
            if len(candidates) > 1:
                try:
                    value = parse_prediction(typed)
                except PredictionInputError as exc:
                    return pred_texts.ERRORS[exc.reason]
                return pred_texts.CHOOSE.format(
                    id=candidates[0].competition.id,
                    value=value,
                    lines="\n".join(self.open_line(o, user_id) for o in candidates),
                )
            chosen = candidates[0]
        try:
            value = parse_prediction(typed)
        except PredictionInputError as exc:
            return pred_texts.ERRORS[exc.reason]
        comp, rnd = chosen.competition, chosen.round
        before = self.table.put(comp.id, rnd.number, user_id, value, self.competitions.now())
        now = self.table.get(comp.id, rnd.number, user_id)
        assert now is not None  # just written
        names = {
            "contest": texts.contest(escape(comp.name)),
            "round": self.round_name(chosen),
            "value": value,
            "deadline": self.moment(chosen.deadline),
            "at": self.moment(datetime.fromisoformat(now.at)),
        }
        if before is None:
            return pred_texts.SAVED.format(**names)
        if before.value == value:
            return pred_texts.SAME.format(**names)
        return pred_texts.CHANGED.format(old=before.value, **names)

    def status_html(self, user_id: int) -> str:
        found = self.open_now(user_id)
        text = pred_texts.USAGE.format(question=pred_texts.QUESTION)
        if not found:
            return text + "\n\n" + pred_texts.NONE_OPEN
        return text + "\n\n" + "\n".join(self.open_line(o, user_id) for o in found)

    def open_line(self, o: Open, user_id: int) -> str:
        mine = self.table.get(o.competition.id, o.round.number, user_id)
        return pred_texts.OPEN_LINE.format(
            contest=texts.contest(escape(o.competition.name)),
            id=o.competition.id,
            round=self.round_name(o),
            deadline=self.moment(o.deadline),
            mine=pred_texts.MINE.format(value=mine.value, at=self.moment(datetime.fromisoformat(mine.at)))
            if mine
            else pred_texts.MINE_NONE,
        )

    def closed_html(self, comp: Competition) -> str:
        rounds = self.competitions.rounds(comp)
        last = deadline(rounds[-1], self.competitions.reveal_time(comp), self.competitions.tz)
        return pred_texts.CLOSED.format(contest=texts.contest(escape(comp.name)), deadline=self.moment(last))

    # what members see on the board, what the organizer reads ------------------------------------------------
    def board_html(self, comp: Competition) -> str:
        o = self.open_for(comp)
        if o is None:
            return ""
        return pred_texts.BOARD.format(
            round=self.round_name(o), question=pred_texts.QUESTION, deadline=self.moment(o.deadline)
        )

    def results_html(self, standings: Standings) -> str:
        tb = standings.tiebreak
        if tb is None:
            return ""
        o = Open(standings.competition, tb.round, tb.rounds, datetime.min)
        return pred_texts.RESULTS.format(
            round=self.round_name(o), actual=tb.actual, days=tb.study_days, count=len(tb.predictions)
        )

    def round_results_html(self, comp: Competition, words: list[str]) -> str:
        """/ketqua N vong K: the standings of one round, its prediction tie-break applied once its deadline passed."""
        rounds = self.competitions.rounds(comp)
        number = words[-1] if len(words) >= 2 and fold_word(words[0]) in ROUND_WORDS else ""
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= len(rounds)):
            return pred_texts.ROUND_RESULTS_BAD.format(id=comp.id, count=len(rounds))
        rnd = rounds[int(number) - 1]
        standings = self.competitions.standings(comp, rnd.start, rnd.end, full_names=True)
        o = Open(comp, rnd, len(rounds), datetime.min)
        header = pred_texts.ROUND_RESULTS.format(round=self.round_name(o))
        return header + messages.competition_results(standings) + self.results_html(standings)

    # the organizer ------------------------------------------------------------------------------------------
    def rounds_html(self, comp: Competition, typed: str | None) -> str:
        contest = texts.contest(escape(comp.name))
        text = ""
        if typed is not None:
            try:
                round_days = parse_round_days(typed)
            except PredictionInputError:
                return pred_texts.ROUNDS_BAD.format(id=comp.id)
            if self.table.any(comp.id):
                return pred_texts.ROUNDS_LOCKED.format(contest=contest)
            self.table.set_round_days(comp.id, round_days)
            comp = self.competitions.comps.get(comp.id) or comp
            text = pred_texts.ROUNDS_SAVED.format(contest=contest) + "\n"
        reveal = self.competitions.reveal_time(comp)
        rounds = self.competitions.rounds(comp)
        lines = [
            pred_texts.ROUND_LINE.format(
                number=r.number,
                start=day(r.start),
                end=day(r.end),
                deadline=self.moment(deadline(r, reveal, self.competitions.tz)),
            )
            for r in rounds
        ]
        return text + pred_texts.ROUNDS_SHOW.format(
            contest=contest, count=len(rounds), lines="\n".join(lines), id=comp.id
        )

    # formatting ---------------------------------------------------------------------------------------------
    def moment(self, when: datetime) -> str:
        return when.astimezone(self.competitions.tz).strftime("%H:%M %d/%m/%Y")

    @staticmethod
    def round_name(o: Open) -> str:
        r = o.round
        if o.rounds == 1:
            return pred_texts.WHOLE.format(start=day(r.start)[:5], end=day(r.end))
        return pred_texts.ROUND.format(
            number=r.number, rounds=o.rounds, start=day(r.start)[:5], end=day(r.end)
        )


ROUND_WORDS = frozenset(("vong", "round"))


def fold_word(word: str) -> str:
    return word.casefold().replace("ò", "o").replace("ọ", "o")


__all__ = ["Open", "PredictionService"]
