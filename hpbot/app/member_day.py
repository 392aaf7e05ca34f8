"""A member's own view of the day, told privately: their result after a reveal, their card (/toi), the hint for a
text reply. Each is the text of a private alert (answerCallbackQuery with show_alert), which only the tapping
member sees and which needs no private chat, so it works the same in 10,000 groups."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from hpbot import texts
from hpbot.app import messages
from hpbot.app.study import StudyService
from hpbot.domain import schedule, streaks
from hpbot.domain.ranking import Standing, rank
from hpbot.domain.scoring import BASE_POINTS
from hpbot.format import after, day
from hpbot.store import Round
from hpbot.texts import calendar as calendar_texts

ALERT_LIMIT = 200  # Telegram's limit for an answerCallbackQuery text
CACHE_SIZE = 4096  # groups whose week ranking is kept at once
HINTS_KEPT = 100_000  # members remembered as hinted today


def fit_alert(text: str) -> str:
    return text if len(text) <= ALERT_LIMIT else text[: ALERT_LIMIT - 1] + "…"


class MemberDayService:
    def __init__(self, study: StudyService) -> None:
        self.study = study
        self.store = study.store
        # a group's week ranking, read once per reveal: taps after a reveal come in thousands within minutes
        self._weeks: OrderedDict[tuple[int, date, int], dict[int, tuple[int, int]]] = OrderedDict()
        self._hinted: OrderedDict[tuple[int, int], date] = OrderedDict()

    def week_rank(self, chat_id: int, on: date, user_id: int) -> tuple[int, int] | None:
        """(rank, members ranked) of the member in the week of `on`; None if they have no points that week."""
        key = (chat_id, schedule.week_bounds(on)[0], self.store.last_closed_seq(chat_id))
        ranks = self._weeks.get(key)
        if ranks is None:
            ranked: list[tuple[int, Standing]] = rank(
                self.store.standings(chat_id, *schedule.week_bounds(on))
            )
            ranks = {s.user_id: (position, len(ranked)) for position, s in ranked}
            self._weeks[key] = ranks
            while len(self._weeks) > CACHE_SIZE:
                self._weeks.popitem(last=False)
        else:
            self._weeks.move_to_end(key)
        return ranks.get(user_id)

    def my_result(self, round_id: int, chat_id: int, user_id: int) -> str:
        """A member's result of a revealed round: the option chosen, right or wrong, points and speed bonus, streak,
        rank this week; a member who did not answer gets the right letter and a kind word."""
        rnd = self.store.round(round_id)
        if rnd is None or rnd.chat_id != chat_id:
            return texts.MY_RESULT_GONE
        if rnd.is_open:
            return texts.MY_RESULT_PENDING
        item = self.study.item(rnd)
        right = messages.shown_letter(rnd, item.answer)
        when = day(rnd.study_date)[:5]
        answer = self.store.answer_of(rnd.id, user_id)
        if answer is None:
            return fit_alert(texts.MY_RESULT_NONE.format(date=when, right=right))
        letter = messages.shown_letter(rnd, answer["option"])
        if answer["correct"]:
            text = texts.MY_RESULT_RIGHT.format(
                date=when,
                letter=letter,
                points=answer["points"],
                base=BASE_POINTS,
                bonus=answer["points"] - BASE_POINTS,
                after=after(answer["elapsed_ms"]),
            )
        else:
            text = texts.MY_RESULT_WRONG.format(date=when, letter=letter, right=right)
        stats = self.store.member_stats(chat_id, user_id)
        if stats:
            shown = streaks.current_streak(
                streaks.Streak(stats["streak"], 0, stats["last_round"]), self.store.last_closed_seq(chat_id)
            )
            text += texts.MY_RESULT_STREAK.format(streak=shown)
        # tapped while today's question is open and unanswered: the streak it would end comes before the rank
        stake = self.study.calendar.streak_at_stake(chat_id, user_id)
        if stake is not None:
            text += calendar_texts.RESULT_STREAK_AT_STAKE.format(streak=stake[0], reveal=stake[1])
        place = self.week_rank(chat_id, rnd.study_date, user_id)
        if place is not None:
            ranked = text + texts.MY_RESULT_RANK.format(rank=place[0], total=place[1])
            text = ranked if len(ranked) <= ALERT_LIMIT or stake is None else text
        return fit_alert(text)

    def me_alert(self, chat_id: int, user_id: int) -> str:
        """The member's card (/toi) as a private alert: never posted where the group reads it."""
        card = self.study.me(chat_id, user_id)
        if card is None:
            return texts.ME_NONE
        s = card.standing
        return fit_alert(
            texts.ME_ALERT.format(
                points=s.points,
                rank=card.rank,
                total=card.total,
                streak=s.streak,
                best=card.best_streak,
                answers=s.answers,
                correct=s.correct,
                accuracy=round(100 * s.correct / s.answers) if s.answers else 0,
            )
        )

    def look_back(self, chat_id: int) -> tuple[str, int | None] | None:
        """/homqua: the last question revealed before today, its right option and where its official answer is
        (the text, and the message to reply to); None if the group has none."""
        rnd = self.store.revealed_before(chat_id, self.study.today())
        if rnd is None:
            return None
        answer_message = self.store.answer_message(rnd.id)
        return messages.look_back(self.study.bank_for(rnd), rnd, answer_message), answer_message

    def today_closed(self, chat_id: int, rnd: Round, post_time: str) -> str:
        """/cauhoi after the reveal: where today's post and official answer are."""
        return messages.today_closed(rnd, self.store.answer_message(rnd.id), post_time)

    def hint_due(self, chat_id: int, user_id: int) -> bool:
        """Whether a member who typed an answer should get the hint now: at most once per member per day (kept
        in memory: after a restart a member may see it once more that day)."""
        today = self.study.today()
        key = (chat_id, user_id)
        if self._hinted.get(key) == today:
            return False
        self._hinted[key] = today
        self._hinted.move_to_end(key)
        while len(self._hinted) > HINTS_KEPT:
            self._hinted.popitem(last=False)
        return True
