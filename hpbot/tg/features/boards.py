"""Boards in the group: the week's, month's and all-time leaderboard, the competition board, and /toi."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app import messages
from hpbot.app.predictions import PredictionService
from hpbot.app.units import UnitService
from hpbot.domain import schedule
from hpbot.format import day
from hpbot.tg.guards import group_only
from hpbot.tg.router import Feature, command


class Boards(Feature):
    @command("bxh", "leaderboard")
    @group_only
    async def leaderboard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bxh [tuan|thang|tatca|cuocthi]: the group's top 10 and the caller's line, or the competition's board."""
        raw = " ".join(self.edge.args(context)).strip().lower() or "tuan"
        if raw in texts.COMPETITION_WORDS:
            await self.competition_board(update)
            return
        period = texts.PERIOD_WORDS.get(raw)
        if period is None:
            await self.edge.reply(update, texts.BOARD_BAD_PERIOD)
            return
        user = self.edge.person(update)
        study = self.edge.study
        ranked = study.leaderboard(self.edge.chat(update).id, period)
        today = study.today()
        start, end = schedule.week_bounds(today)
        title = texts.BOARD_TITLES[period].format(
            start=day(start)[:5], end=day(end)[:5], month=today.strftime("%m/%Y")
        )
        await self.edge.reply(update, messages.board(title, ranked, user.id if user else None))

    async def competition_board(self, update: Update) -> None:
        """/bxh cuocthi: members across the competition's groups, and this group's rank among groups."""
        chat = self.edge.chat(update)
        comps = self.edge.competitions
        comp = comps.current_for(chat.id)
        if comp is None:
            await self.edge.reply(update, texts.COMP_BOARD_NONE)
            return
        user = self.edge.person(update)
        board = comps.board(comp, chat.id, user.id if user else None)
        extra = (
            UnitService(comps).board_line(comp, chat.id)
            + PredictionService(comps).board_html(comp)
            + self.edge.study.contests.calendars.line(comp)
        )
        await self.edge.reply(update, messages.competition_board(board, extra))

    @command("toi", "me")
    @group_only
    async def me(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/toi: a button whose tap shows each member their own points, streak, accuracy and rank, privately."""
        await self.edge.reply(update, texts.ME_POINTER, reply_markup=messages.me_keyboard())
