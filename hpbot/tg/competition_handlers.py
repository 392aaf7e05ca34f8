"""Thin handlers of competitions: organizers in private chat, group admins joining, members' board and chart.

The report builders (openpyxl, matplotlib) are imported when a report is first asked for, not at start-up: they
double the bot's start-up time and memory and most runs never draw a chart.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import BotCommand, BotCommandScopeChat, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app import messages as render
from hpbot.app.competitions import CompetitionService, JoinOutcome
from hpbot.domain.competition import CompetitionInputError
from hpbot.store.competitions import Competition
from hpbot.tg.handlers import Handlers

log = logging.getLogger(__name__)


class CompetitionHandlers:
    def __init__(self, base: Handlers, service: CompetitionService) -> None:
        self.base, self.service = base, service
        self._charts: dict[int, tuple[tuple, str]] = {}  # chat -> (what the chart shows, Telegram file id)

    # guards -------------------------------------------------------------------------------------------------
    async def organizer_guard(self, update: Update) -> bool:
        """Organizers only, and only in private chat: cross-group results are not posted into a group."""
        user, message = update.effective_user, update.effective_message
        anonymous = message is not None and message.sender_chat is not None
        if anonymous or not self.service.is_organizer(user.id if user else None):
            await self.base.reply(update, texts.ORGANIZER_ONLY)
            return False
        if self.base.in_group(update):
            await self.base.reply(update, texts.PRIVATE_ONLY)
            return False
        return True

    async def organizer_pick(self, update: Update, context: ContextTypes.DEFAULT_TYPE, command: str, *,
                             required: bool) -> Competition | None:
        """For an organizer's command on one competition: the guard, then the competition its first argument
        names; None (the person already told why) when there is nothing to do."""
        if not await self.organizer_guard(update):
            return None
        return await self.chosen(update, (context.args or [None])[0], command, required=required)

    async def chosen(self, update: Update, arg: str | None, command: str, *, required: bool) -> Competition | None:
        """The competition an organizer named (number or code), or the newest active one when none is named."""
        if not arg and required:
            await self.base.reply(update, texts.COMP_NEED_ID.format(command=command))
            return None
        comp = self.service.pick(arg)
        if comp is None:
            await self.base.reply(update, texts.COMP_NOT_FOUND.format(arg=escape(arg or "")) if arg
                                  else texts.COMP_NONE)
        return comp

    @staticmethod
    def rest_of(update: Update) -> str:
        """The text after the command (names contain spaces and '|')."""
        text = (update.effective_message.text or "") if update.effective_message else ""
        parts = text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    # organizers ---------------------------------------------------------------------------------------------
    async def organizer_menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start in private from an organizer (runs beside the greeting): show the organizer commands in the menu.
        Telegram accepts a per-chat menu only once that chat exists, so it is set here as well as at start-up."""
        user = update.effective_user
        if user is None or not self.service.is_organizer(user.id):
            return
        commands = [BotCommand(name, description) for name, description in texts.COMMANDS_ORGANIZER]
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user.id))
        except TelegramError as exc:
            log.info("could not set the organizer menu for %s: %s", user.id, exc.message)

    async def create(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_tao Tên | dd/mm/yyyy | dd/mm/yyyy"""
        if not await self.organizer_guard(update):
            return
        spec = self.rest_of(update)
        if not spec:
            await self.base.reply(update, texts.COMP_CREATE_USAGE)
            return
        try:
            comp = self.service.create(spec, update.effective_user.id)
        except CompetitionInputError as exc:
            await self.base.reply(update, texts.COMP_CREATE_ERRORS[exc.reason] + "\n\n" + texts.COMP_CREATE_USAGE)
            return
        await self.base.reply(update, render.competition_created(comp))

    async def list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi: every competition with its code and number of groups."""
        if not await self.organizer_guard(update):
            return
        await self.base.reply(update, render.competition_list(self.service.listing()))

    async def end(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_ketthuc ID"""
        comp = await self.organizer_pick(update, context, "cuocthi_ketthuc", required=True)
        if comp is None:
            return
        if not self.service.end(comp):
            await self.base.reply(update, texts.COMP_ALREADY_ENDED.format(name=escape(comp.name)))
            return
        comp = self.service.pick(str(comp.id))
        await self.base.reply(update, texts.COMP_ENDED.format(name=escape(comp.name), end=render.day(comp.end),
                                                              id=comp.id))

    async def delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_xoa ID"""
        comp = await self.organizer_pick(update, context, "cuocthi_xoa", required=True)
        if comp is not None and self.service.delete(comp):
            await self.base.reply(update, texts.COMP_DELETED.format(name=escape(comp.name)))

    async def join_all(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_themtatca ID: every subscribed group enters the competition."""
        comp = await self.organizer_pick(update, context, "cuocthi_themtatca", required=True)
        if comp is None:
            return
        if comp.status != "active":
            await self.base.reply(update, texts.COMP_ALREADY_ENDED.format(name=escape(comp.name)))
            return
        added = self.service.join_all(comp)
        await self.base.reply(update, texts.COMP_JOINED_ALL.format(
            count=added, name=escape(comp.name), total=self.service.comps.group_count(comp.id)))

    async def results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ketqua [ID]: standings as text, then the group ranking as a picture."""
        comp = await self.organizer_pick(update, context, "ketqua", required=False)
        if comp is None:
            return
        from hpbot.reports import charts

        standings = self.service.standings(comp)
        await self.base.reply(update, render.competition_results(standings))
        if standings.groups:
            title = texts.CHART_RANKING_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.group_ranking, standings.groups, title)
            await update.effective_message.reply_photo(
                InputFile(png, filename=f"xephang-{comp.id}.png"), do_quote=False,
                caption=texts.COMP_RANKING_CAPTION.format(name=escape(comp.name)), parse_mode=ParseMode.HTML)

    async def export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/xuat [ID] [csv]: the results workbook (or its tables as CSV files)."""
        if not await self.organizer_guard(update):
            return
        args = list(context.args or [])
        as_csv = any(a.lower() == "csv" for a in args)
        named = next((a for a in args if a.lower() not in ("csv", "xlsx", "excel")), None)
        comp = await self.chosen(update, named, "xuat", required=False)
        if comp is None:
            return
        from hpbot.reports import workbook

        report = self.service.report(comp)
        all_tables = workbook.tables(report, self.service.tz)
        stem = workbook.file_stem(report)
        message = update.effective_message
        if as_csv:
            for table in all_tables:
                data = workbook.csv_bytes(table)
                await message.reply_document(
                    InputFile(data, filename=f"{stem}-{table.slug}.csv"), do_quote=False, parse_mode=ParseMode.HTML,
                    caption=texts.EXPORT_CSV_CAPTION.format(sheet=escape(table.name),
                                                            name=escape(comp.name)))
            return
        data = await asyncio.to_thread(workbook.xlsx_bytes, all_tables)
        at = report.generated_at.astimezone(self.service.tz).strftime("%H:%M %d/%m/%Y")
        await message.reply_document(
            InputFile(data, filename=f"{stem}.xlsx"), do_quote=False, parse_mode=ParseMode.HTML,
            caption=texts.EXPORT_CAPTION.format(name=escape(comp.name), start=render.day(comp.start),
                                                end=render.day(comp.end), at=at))

    # groups -------------------------------------------------------------------------------------------------
    async def join(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/thamgia CODE (group admins)."""
        if not await self.base.admin_guard(update, context):
            return
        code = "".join(context.args or []).strip()
        if not code:
            await self.base.reply(update, texts.JOIN_USAGE)
            return
        group = self.base.seen(update.effective_chat)
        outcome, comp = self.service.join(code, group.chat_id)
        if outcome is JoinOutcome.UNKNOWN or comp is None:
            await self.base.reply(update, texts.JOIN_UNKNOWN.format(code=escape(code[:20])))
        elif outcome is JoinOutcome.ENDED:
            await self.base.reply(update, texts.JOIN_ENDED.format(name=escape(comp.name)))
        elif outcome is JoinOutcome.ALREADY:
            await self.base.reply(update, texts.JOIN_ALREADY.format(name=escape(comp.name)))
        else:
            text = texts.JOINED.format(name=escape(comp.name), start=render.day(comp.start),
                                       end=render.day(comp.end))
            await self.base.reply(update, text + ("" if group.active else texts.JOINED_NOT_SUBSCRIBED))

    async def board(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bxh cuocthi: members across the competition's groups, and this group's rank among groups."""
        chat = update.effective_chat
        comp = self.service.current_for(chat.id)
        if comp is None:
            await self.base.reply(update, texts.COMP_BOARD_NONE)
            return
        user = self.base.person(update)
        board = self.service.board(comp, chat.id, user.id if user else None)
        await self.base.reply(update, render.competition_board(board))

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/thongke: a PNG of the group's last 30 days (sent again by file id while nothing new was revealed)."""
        if not self.base.in_group(update):
            await self.base.reply(update, texts.GROUP_ONLY)
            return
        from hpbot.reports import charts

        chat = update.effective_chat
        days = self.service.group_days(chat.id)
        asked = [d for d in days if d.answers is not None]
        if not asked:
            await self.base.reply(update, texts.STATS_NONE)
            return
        answers = sum(d.answers or 0 for d in asked)
        right = sum(d.correct or 0 for d in asked)
        caption = texts.STATS_CAPTION.format(days=len(asked), answers=answers,
                                             right=render.number(100 * right / answers if answers else 0))
        key = (days[-1].study_date, self.service.comps.last_revealed_round(chat.id), chat.title)
        cached = self._charts.get(chat.id)
        photo: InputFile | str
        if cached and cached[0] == key:
            photo = cached[1]
        else:
            png = await asyncio.to_thread(charts.group_activity, days, chat.title or "")
            photo = InputFile(png, filename=f"thongke-{days[-1].study_date:%Y%m%d}.png")
        sent = await update.effective_message.reply_photo(photo, caption=caption, do_quote=False,
                                                          parse_mode=ParseMode.HTML)
        self.service.store.note_message(sent.chat.id, sent.message_id)
        if sent.photo:
            self._charts[chat.id] = (key, sent.photo[-1].file_id)

    async def bulletin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bantin [bat|tat] (group admins): the weekly bulletin on or off."""
        if not await self.base.admin_guard(update, context):
            return
        chat_id = self.base.seen(update.effective_chat).chat_id
        word = " ".join(context.args or []).strip().lower()
        if not word:
            state = texts.BULLETIN_STATE_ON if self.service.comps.bulletin_on(chat_id) else texts.BULLETIN_STATE_OFF
            await self.base.reply(update, texts.BULLETIN_STATE.format(state=state))
        elif word in texts.BULLETIN_WORDS_ON or word in texts.BULLETIN_WORDS_OFF:
            on = word in texts.BULLETIN_WORDS_ON
            self.service.comps.set_bulletin(chat_id, on)
            await self.base.reply(update, texts.BULLETIN_SAVED_ON if on else texts.BULLETIN_SAVED_OFF)
        else:
            await self.base.reply(update, texts.BULLETIN_USAGE)
