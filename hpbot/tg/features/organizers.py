"""Organizers of competitions, in private chat: create, list, end, delete, enrol every group, results, exports.

The report builders (openpyxl, matplotlib) are imported when a report is first asked for, not at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape
from typing import TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from hpbot import texts
from hpbot.app import messages
from hpbot.app.competitions import Competition, CompetitionService
from hpbot.app.documents import unknown_document
from hpbot.app.enrolment import Enrolment
from hpbot.app.predictions import PredictionService
from hpbot.app.results import results
from hpbot.app.units import results_html
from hpbot.domain.competition import CompetitionInputError
from hpbot.domain.statuses import CompetitionStatus
from hpbot.format import day
from hpbot.texts import documents as doc_texts
from hpbot.texts import enrolment as enrol_texts
from hpbot.texts import units as unit_texts
from hpbot.tg.features.daily import ack
from hpbot.tg.guards import organizers_in_private
from hpbot.tg.router import Feature, callback, command

log = logging.getLogger(__name__)

CONFIRM = "cc:"  # a confirmation's buttons: cc:end:ID, cc:del:ID, cc:no:ID
REQUEST = "jr:"  # a join request's buttons: jr:ok:ID:CHAT, jr:no:ID:CHAT
REMOVE = "rm:"  # a group to take out of a competition: rm:ID:CHAT
END, DELETE, CANCEL = "end", "del", "no"


def confirm_buttons(action: str, comp: Competition, label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=f"{CONFIRM}{action}:{comp.id}"),
                InlineKeyboardButton(texts.COMP_BUTTON_CANCEL, callback_data=f"{CONFIRM}{CANCEL}:{comp.id}"),
            ]
        ]
    )


T = TypeVar("T")


class OrganizerBase(Feature):
    """What the organizers' features share: naming a competition, settling a confirmation, telling a group."""

    def _message(self, update: Update) -> Message:
        assert update.effective_message is not None
        return update.effective_message

    async def apart(self, work: Callable[[CompetitionService], T]) -> T:
        """`work` on one snapshot of the database, in a worker thread (`CompetitionService.apart`): a city's
        standings, awards and reports take seconds to read, and members' taps are answered meanwhile."""
        comps = self.edge.competitions
        run = comps.apart(work)
        return await asyncio.to_thread(run) if comps.detachable else run()

    async def chosen(
        self, update: Update, arg: str | None, command: str, *, required: bool
    ) -> Competition | None:
        """The competition an organizer named (number or code), or the newest active one when none is named;
        None (the organizer already told why) when there is nothing to do."""
        if not arg and required:
            await self.edge.reply(update, texts.COMP_NEED_ID.format(command=command))
            return None
        comp = self.edge.competitions.pick(arg)
        if comp is None:
            await self.edge.reply(
                update, texts.COMP_NOT_FOUND.format(arg=escape(arg or "")) if arg else texts.COMP_NONE
            )
        return comp

    def first_arg(self, context: ContextTypes.DEFAULT_TYPE) -> str | None:
        args = self.edge.args(context)
        return args[0] if args else None

    async def settle(self, query: CallbackQuery, html: str) -> None:
        """The confirmation message becomes the outcome, its buttons gone (it cannot be confirmed twice)."""
        try:
            await query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=None)
        except TelegramError as exc:  # e.g. the same outcome again ("message is not modified")
            log.info("could not settle a confirmation: %s", exc.message)

    def already_ended(self, comp: Competition) -> str:
        return texts.COMP_ALREADY_ENDED.format(contest=texts.contest(escape(comp.name), first=True))

    def organizer_tap(self, update: Update) -> bool:
        user = update.effective_user
        query = update.callback_query
        return (
            query is not None
            and query.message is not None
            and not self.edge.in_group(update)
            and user is not None
            and self.edge.competitions.is_organizer(user.id)
        )

    async def tell_group(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, html: str) -> None:
        try:
            await context.bot.send_message(chat_id, html, parse_mode=ParseMode.HTML)
        except TelegramError as exc:  # the bot left the group, or it is gone: the decision stands
            log.info("could not tell group %s of the organizer's decision: %s", chat_id, exc.message)

    async def organizer_query(self, update: Update) -> CallbackQuery | None:
        """The tapped button's query when an organizer tapped it in private; else the tap is refused (None)."""
        query = update.callback_query
        if query is None:
            return None
        if not self.organizer_tap(update):
            await ack(query, texts.ORGANIZER_ONLY_GROUP)
            return None
        return query


class Organizers(OrganizerBase):
    @command("start", filter=filters.ChatType.PRIVATE, group=1)
    async def organizer_menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start in private from an organizer (runs beside the greeting): show the organizer commands in the menu.
        Telegram accepts a per-chat menu only once that chat exists, so it is set here as well as at start-up."""
        user = update.effective_user
        if user is None or not self.edge.competitions.is_organizer(user.id):
            return
        commands = [BotCommand(name, description) for name, description in texts.COMMANDS_ORGANIZER]
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user.id))
        except TelegramError as exc:
            log.info("could not set the organizer menu for %s: %s", user.id, exc.message)

    @command("cuocthi_tao", "competition_new")
    @organizers_in_private
    async def create(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_tao Tên | dd/mm/yyyy | dd/mm/yyyy [| document id]"""
        spec = self.edge.rest_of(update)
        if not spec:
            await self.edge.reply(update, texts.COMP_CREATE_USAGE)
            return
        assert update.effective_user is not None
        try:
            comp = self.edge.competitions.create(spec, update.effective_user.id)
        except CompetitionInputError as exc:
            if exc.reason == "document":
                await self.edge.reply(update, unknown_document(spec, self.edge.competitions.library))
                return
            await self.edge.reply(
                update, texts.COMP_CREATE_ERRORS[exc.reason] + "\n\n" + texts.COMP_CREATE_USAGE
            )
            return
        title = self.edge.competitions.document_title(comp)
        await self.edge.reply(
            update, messages.competition_created(comp) + doc_texts.COMP_DOCUMENT.format(title=escape(title))
        )

    @command("cuocthi", "competitions")
    @organizers_in_private
    async def list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi: every competition with its code and number of groups."""
        await self.edge.reply(update, messages.competition_list(self.edge.competitions.listing()))

    @command("cuocthi_gio", "competition_reveal")
    @organizers_in_private
    async def reveal_time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_gio ID [HH:MM]: show or set the competition's common reveal time."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "cuocthi_gio", required=True)
        if comp is None:
            return
        rules = self.edge.study.contests
        if len(args) < 2:
            await self.edge.reply(update, rules.reveal_time_html(comp))
            return
        await self.edge.reply(update, rules.set_reveal_time(comp, " ".join(args[1:])))
        self.edge.rounds.schedule_changed()

    @command("cuocthi_lich", "competition_calendar")
    @organizers_in_private
    async def calendar(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_lich ID [T2-T6 | tamdung dd/mm/yyyy dd/mm/yyyy | tamdung xoa]: the competition's study days."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "cuocthi_lich", required=True)
        if comp is None:
            return
        calendars = self.edge.study.contests.calendars
        if len(args) < 2:
            await self.edge.reply(update, calendars.show(comp))
            return
        await self.edge.reply(update, calendars.change(comp, args[1:]))
        self.edge.rounds.schedule_changed()

    @command("cuocthi_ketthuc", "competition_end")
    @organizers_in_private
    async def end(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_ketthuc ID: asks for confirmation first (the end cannot be undone)."""
        comp = await self.chosen(update, self.first_arg(context), "cuocthi_ketthuc", required=True)
        if comp is None:
            return
        if comp.status != CompetitionStatus.ACTIVE:
            await self.edge.reply(update, self.already_ended(comp))
            return
        end = max(self.edge.competitions.today(), comp.start)
        question = texts.COMP_CONFIRM_END.format(contest=texts.contest(escape(comp.name)), end=day(end))
        await self.edge.reply(
            update, question, reply_markup=confirm_buttons(END, comp, texts.COMP_BUTTON_END)
        )

    @command("cuocthi_xoa", "competition_delete")
    @organizers_in_private
    async def delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_xoa ID: asks for confirmation first (a deleted competition cannot be brought back)."""
        comp = await self.chosen(update, self.first_arg(context), "cuocthi_xoa", required=True)
        if comp is None:
            return
        question = texts.COMP_CONFIRM_DELETE.format(contest=texts.contest(escape(comp.name)))
        await self.edge.reply(
            update, question, reply_markup=confirm_buttons(DELETE, comp, texts.COMP_BUTTON_DELETE)
        )

    @callback(f"^{CONFIRM}")
    async def confirmed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The confirmation's buttons: only an organizer, only in private; a repeated tap changes nothing."""
        query = await self.organizer_query(update)
        if query is None:
            return
        action, _, number = (query.data or "")[len(CONFIRM) :].partition(":")
        comp = self.edge.competitions.pick(number) if number.isascii() and number.isdigit() else None
        if action == CANCEL:
            await ack(query, texts.COMP_TOAST_CANCELLED)
            await self.settle(query, texts.COMP_CANCELLED)
            return
        if comp is None or action not in (END, DELETE):
            await ack(query, texts.ACK_INVALID)
            await self.settle(
                query, texts.COMP_CONFIRM_GONE if action in (END, DELETE) else texts.ACK_INVALID
            )
            return
        await ack(query, texts.COMP_TOAST_DONE)
        if action == DELETE:
            self.edge.competitions.delete(comp)
            await self.settle(query, texts.COMP_DELETED.format(contest=texts.contest(escape(comp.name))))
            return
        if not self.edge.competitions.end(comp):
            await self.settle(query, self.already_ended(comp))
            return
        comp = self.edge.competitions.pick(str(comp.id)) or comp
        await self.settle(
            query,
            texts.COMP_ENDED.format(
                contest=texts.contest(escape(comp.name), first=True), end=day(comp.end), id=comp.id
            ),
        )

    @command("cuocthi_themtatca", "competition_add_all")
    @organizers_in_private
    async def join_all(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_themtatca ID: every subscribed group enters the competition (groups taken out before too)."""
        comps = self.edge.competitions
        comp = await self.chosen(update, self.first_arg(context), "cuocthi_themtatca", required=True)
        if comp is None:
            return
        if comp.status != CompetitionStatus.ACTIVE:
            await self.edge.reply(
                update, texts.COMP_ALREADY_ENDED.format(contest=texts.contest(escape(comp.name), first=True))
            )
            return
        added, returned = Enrolment(comps).join_all(comp)
        text = texts.COMP_JOINED_ALL.format(
            count=added, contest=texts.contest(escape(comp.name)), total=comps.group_count(comp)
        )
        if returned:
            text += enrol_texts.JOINED_ALL_RETURNED.format(count=returned)
        await self.edge.reply(update, text)

    @command("ketqua", "results")
    @organizers_in_private
    async def results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ketqua [ID]: standings as text, then the group ranking as a picture; /ketqua ID vong K: one round's."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "ketqua", required=False)
        if comp is None:
            return
        if len(args) >= 2:
            words = args[1:]
            html = await self.apart(lambda snap: PredictionService(snap).round_results_html(comp, words))
            await self.edge.reply(update, html)
            return
        from hpbot.reports import charts

        comps = self.edge.competitions
        found = await self.apart(lambda snap: results(snap, comp))
        await self.edge.reply(update, found.html)
        units = found.units
        if units:
            await self.edge.reply(update, results_html(units))
        at = found.generated_at.astimezone(comps.tz).strftime("%H:%M %d/%m/%Y")
        if found.groups:
            title = texts.CHART_RANKING_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.group_ranking, found.groups, title, 20, at)
            await self._message(update).reply_photo(
                InputFile(png, filename=f"xephang-{comp.id}.png"),
                do_quote=False,
                caption=texts.COMP_RANKING_CAPTION.format(name=escape(comp.name)),
                parse_mode=ParseMode.HTML,
            )
        if any(u.unit for _, u in units):
            title = unit_texts.CHART_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.unit_ranking, units, title, 25, at)
            await self._message(update).reply_photo(
                InputFile(png, filename=f"donvi-{comp.id}.png"),
                do_quote=False,
                caption=unit_texts.CHART_CAPTION.format(contest=texts.contest(escape(comp.name))),
                parse_mode=ParseMode.HTML,
            )
        if found.questions:
            title = texts.CHART_QUESTIONS_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.question_difficulty, found.questions, title, at)
            await self._message(update).reply_photo(
                InputFile(png, filename=f"cauhoi-{comp.id}.png"),
                do_quote=False,
                caption=texts.COMP_QUESTIONS_CAPTION.format(contest=texts.contest(escape(comp.name))),
                parse_mode=ParseMode.HTML,
            )

    @command("xuat", "export")
    @organizers_in_private
    async def export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/xuat [ID] [csv]: the results workbook (or its tables as CSV files)."""
        args = self.edge.args(context)
        words = [a.lower() for a in args]
        as_csv = "csv" in words
        comma = any(
            w in texts.EXPORT_COMMA_WORDS for w in words
        )  # else ";", as Excel set to Vietnamese reads
        named = next(
            (a for a in args if a.lower() not in ("csv", "xlsx", "excel", *texts.EXPORT_COMMA_WORDS)), None
        )
        comp = await self.chosen(update, named, "xuat", required=False)
        if comp is None:
            return
        from hpbot.reports import workbook

        comps = self.edge.competitions
        msg = self._message(update)
        if as_csv:
            delimiter = workbook.COMMA if comma else workbook.SEMICOLON
            for file in await self.apart(lambda snap: workbook.competition_csv(snap, comp, delimiter)):
                await msg.reply_document(
                    InputFile(file.data, filename=file.filename),
                    do_quote=False,
                    parse_mode=ParseMode.HTML,
                    caption=texts.EXPORT_CSV_CAPTION.format(sheet=escape(file.name), name=escape(comp.name)),
                )
                self.edge.mark_answered(update)
            return
        book = await self.apart(lambda snap: workbook.competition_xlsx(snap, comp))
        at = book.generated_at.astimezone(comps.tz).strftime("%H:%M %d/%m/%Y")
        await msg.reply_document(
            InputFile(book.data, filename=f"{book.stem}.xlsx"),
            do_quote=False,
            parse_mode=ParseMode.HTML,
            caption=texts.EXPORT_CAPTION.format(
                contest=texts.contest(escape(comp.name)), start=day(comp.start), end=day(comp.end), at=at
            ),
        )
        self.edge.mark_answered(update)
