"""Organizers of competitions, in private chat: create, list, end, delete, enrol every group, results, exports.

The report builders (openpyxl, matplotlib) are imported when a report is first asked for, not at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

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
from hpbot.app.awards import AwardService, awards_html, prizes_summary
from hpbot.app.competitions import Competition
from hpbot.app.documents import unknown_document
from hpbot.app.enrolment import FOUND_MAX, Decision, Enrolment
from hpbot.domain.awards import PRIZE_MAX, PrizeInputError
from hpbot.domain.competition import CompetitionInputError
from hpbot.domain.statuses import CompetitionStatus
from hpbot.format import day, short
from hpbot.texts import awards as award_texts
from hpbot.texts import documents as doc_texts
from hpbot.texts import enrolment as enrol_texts
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


class Organizers(Feature):
    def _message(self, update: Update) -> Message:
        assert update.effective_message is not None
        return update.effective_message

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
        query = update.callback_query
        if query is None:
            return
        user = update.effective_user
        action, _, number = (query.data or "")[len(CONFIRM) :].partition(":")
        if (
            query.message is None
            or self.edge.in_group(update)
            or user is None
            or not self.edge.competitions.is_organizer(user.id)
        ):
            await ack(query, texts.ORGANIZER_ONLY_GROUP)
            return
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

    async def settle(self, query: CallbackQuery, html: str) -> None:
        """The confirmation message becomes the outcome, its buttons gone (it cannot be confirmed twice)."""
        try:
            await query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=None)
        except TelegramError as exc:  # e.g. the same outcome again ("message is not modified")
            log.info("could not settle a confirmation: %s", exc.message)

    def already_ended(self, comp: Competition) -> str:
        return texts.COMP_ALREADY_ENDED.format(contest=texts.contest(escape(comp.name), first=True))

    @command("cuocthi_themtatca", "competition_add_all")
    @organizers_in_private
    async def join_all(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_themtatca ID: every subscribed group enters the competition."""
        comps = self.edge.competitions
        comp = await self.chosen(update, self.first_arg(context), "cuocthi_themtatca", required=True)
        if comp is None:
            return
        if comp.status != CompetitionStatus.ACTIVE:
            await self.edge.reply(
                update, texts.COMP_ALREADY_ENDED.format(contest=texts.contest(escape(comp.name), first=True))
            )
            return
        added = comps.join_all(comp)
        await self.edge.reply(
            update,
            texts.COMP_JOINED_ALL.format(
                count=added, contest=texts.contest(escape(comp.name)), total=comps.group_count(comp)
            ),
        )

    @command("ketqua", "results")
    @organizers_in_private
    async def results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ketqua [ID]: standings as text, then the group ranking as a picture."""
        comp = await self.chosen(update, self.first_arg(context), "ketqua", required=False)
        if comp is None:
            return
        from hpbot.reports import charts

        comps = self.edge.competitions
        report = comps.report(comp)
        standings = report.standings
        await self.edge.reply(update, messages.competition_results(standings))
        at = report.generated_at.astimezone(comps.tz).strftime("%H:%M %d/%m/%Y")
        if standings.groups:
            title = texts.CHART_RANKING_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.group_ranking, standings.groups, title, 20, at)
            await self._message(update).reply_photo(
                InputFile(png, filename=f"xephang-{comp.id}.png"),
                do_quote=False,
                caption=texts.COMP_RANKING_CAPTION.format(name=escape(comp.name)),
                parse_mode=ParseMode.HTML,
            )
        if charts.question_rates(report.days):
            title = texts.CHART_QUESTIONS_TITLE.format(name=comp.name)
            png = await asyncio.to_thread(charts.question_difficulty, report.days, title, at)
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
        report = comps.report(comp)
        all_tables = workbook.tables(report, comps.tz)
        stem = workbook.file_stem(report)
        msg = self._message(update)
        if as_csv:
            for table in all_tables:
                data = workbook.csv_bytes(table, workbook.COMMA if comma else workbook.SEMICOLON)
                await msg.reply_document(
                    InputFile(data, filename=f"{stem}-{table.slug}.csv"),
                    do_quote=False,
                    parse_mode=ParseMode.HTML,
                    caption=texts.EXPORT_CSV_CAPTION.format(sheet=escape(table.name), name=escape(comp.name)),
                )
                self.edge.mark_answered(update)
            return
        data = await asyncio.to_thread(workbook.xlsx_bytes, all_tables)
        at = report.generated_at.astimezone(comps.tz).strftime("%H:%M %d/%m/%Y")
        await msg.reply_document(
            InputFile(data, filename=f"{stem}.xlsx"),
            do_quote=False,
            parse_mode=ParseMode.HTML,
            caption=texts.EXPORT_CAPTION.format(
                contest=texts.contest(escape(comp.name)), start=day(comp.start), end=day(comp.end), at=at
            ),
        )
        self.edge.mark_answered(update)

    @command("giaithuong", "prizes")
    @organizers_in_private
    async def prizes(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/giaithuong ID: the awards list; /giaithuong ID nhat=1 nhi=2 ba=3 kk=5 tapthe=3 sets the prizes."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "giaithuong", required=True)
        if comp is None:
            return
        service = AwardService(self.edge.competitions)
        if len(args) > 1:
            assert update.effective_user is not None
            try:
                prizes = service.set_prizes(comp, args[1:], update.effective_user.id)
            except PrizeInputError as exc:
                error = award_texts.ERRORS[exc.reason].format(word=escape(exc.word))
                await self.edge.reply(
                    update, error + "\n\n" + award_texts.USAGE.format(id=comp.id, limit=PRIZE_MAX)
                )
                return
            contest = texts.contest(escape(comp.name))
            await self.edge.reply(
                update, award_texts.SAVED.format(contest=contest, summary=prizes_summary(prizes))
            )
        listing = service.awards(comp)
        if listing is None:
            contest = texts.contest(escape(comp.name), first=True)
            await self.edge.reply(
                update, award_texts.NOT_SET.format(contest=contest, id=comp.id, limit=PRIZE_MAX)
            )
            return
        await self.edge.reply(update, awards_html(listing, self.edge.competitions.tz))

    @command("chungnhan", "certificates")
    @organizers_in_private
    async def certificates(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/chungnhan ID: every winner's certificate (PDF), in one .zip."""
        comp = await self.chosen(update, self.first_arg(context), "chungnhan", required=True)
        if comp is None:
            return
        listing = AwardService(self.edge.competitions).awards(comp)
        if listing is None or not listing.winners:
            await self.edge.reply(
                update,
                award_texts.CERTIFICATES_NONE.format(id=comp.id)
                if listing is not None
                else award_texts.NOT_SET.format(
                    contest=texts.contest(escape(comp.name), first=True), id=comp.id, limit=PRIZE_MAX
                ),
            )
            return
        from hpbot.reports import certificates

        await self.edge.reply(update, award_texts.CERTIFICATES_BUSY)
        issued = self.edge.competitions.today()
        made = certificates.certificates(listing, issued)
        data = await asyncio.to_thread(certificates.archive, made)
        await self._message(update).reply_document(
            InputFile(data, filename=f"giay-chung-nhan-{comp.id}.zip"),
            do_quote=False,
            parse_mode=ParseMode.HTML,
            caption=award_texts.CERTIFICATES_CAPTION.format(
                contest=texts.contest(escape(comp.name)), count=len(made)
            ),
        )
        self.edge.mark_answered(update)

    # who is in: join requests, a group taken out ------------------------------------------------------------
    @callback(f"^{REQUEST}")
    async def decided(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A join request's buttons (jr:ok|no:COMPETITION:CHAT): only organizers, only in private."""
        query = update.callback_query
        if query is None:
            return
        if not self.organizer_tap(update):
            await ack(query, texts.ORGANIZER_ONLY_GROUP)
            return
        action, competition_id, chat_id = parse_ids(query.data or "", REQUEST)
        if competition_id is None or chat_id is None or action not in ("ok", "no"):
            await ack(query, texts.ACK_INVALID)
            return
        enrolment = Enrolment(self.edge.competitions)
        decided = enrolment.decide(competition_id, chat_id, action == "ok")
        await ack(
            query, enrol_texts.TOAST_DONE if decided.decision is not Decision.GONE else texts.ACK_INVALID
        )
        await self.settle(query, enrolment.organizer_news(decided))
        if decided.decision is Decision.GONE:
            return
        news = enrolment.group_news(decided)
        group = enrolment.group(chat_id) if decided.decision is Decision.APPROVED else None
        if group is not None:
            news += self.edge.study.contests.joined(group)
            self.edge.rounds.schedule_changed()
        await self.tell_group(context, chat_id, news)

    @command("cuocthi_cho", "competition_requests")
    @organizers_in_private
    async def requests(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_cho ID: the join requests waiting, each with its buttons (the first ten)."""
        comp = await self.chosen(update, self.first_arg(context), "cuocthi_cho", required=False)
        if comp is None:
            return
        enrolment = Enrolment(self.edge.competitions)
        waiting = enrolment.pending(comp)
        contest = texts.contest(escape(comp.name), first=True)
        if not waiting:
            await self.edge.reply(update, enrol_texts.PENDING_NONE.format(contest=contest))
            return
        await self.edge.reply(update, enrol_texts.PENDING_HEADER.format(contest=contest, count=len(waiting)))
        for request in waiting[:FOUND_MAX]:
            await self.edge.reply(
                update,
                enrolment.request_html(comp, request),
                reply_markup=two_buttons(
                    (enrol_texts.BUTTON_APPROVE, f"{REQUEST}ok:{comp.id}:{request.chat_id}"),
                    (enrol_texts.BUTTON_REFUSE, f"{REQUEST}no:{comp.id}:{request.chat_id}"),
                ),
            )
        if len(waiting) > FOUND_MAX:
            await self.edge.reply(
                update, enrol_texts.PENDING_MORE.format(count=len(waiting) - FOUND_MAX, id=comp.id)
            )

    @command("cuocthi_bo", "competition_remove")
    @organizers_in_private
    async def remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_bo ID part of a group's name: take that group out of the competition (after a confirmation)."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "cuocthi_bo", required=True)
        if comp is None:
            return
        words = " ".join(args[1:]).strip()
        if not words:
            await self.edge.reply(update, enrol_texts.REMOVE_USAGE.format(id=comp.id))
            return
        found = Enrolment(self.edge.competitions).find(comp, words)
        contest = texts.contest(escape(comp.name))
        if not found:
            await self.edge.reply(
                update, enrol_texts.REMOVE_NONE.format(contest=contest, words=escape(words))
            )
            return
        if len(found) == 1:
            chat_id, title = found[0]
            await self.edge.reply(
                update,
                enrol_texts.REMOVE_CONFIRM.format(title=escape(title), contest=contest),
                reply_markup=two_buttons(
                    (enrol_texts.BUTTON_REMOVE, f"{REMOVE}{comp.id}:{chat_id}"),
                    (texts.COMP_BUTTON_CANCEL, f"{CONFIRM}{CANCEL}:{comp.id}"),
                ),
            )
            return
        shown = found[:FOUND_MAX]
        text = enrol_texts.REMOVE_CHOOSE.format(contest=contest, words=escape(words))
        if len(found) > FOUND_MAX:
            text += enrol_texts.REMOVE_CHOOSE_MORE.format(shown=FOUND_MAX)
        rows = [
            [InlineKeyboardButton(short(title, 60), callback_data=f"{REMOVE}{comp.id}:{chat_id}")]
            for chat_id, title in shown
        ]
        rows.append(
            [InlineKeyboardButton(texts.COMP_BUTTON_CANCEL, callback_data=f"{CONFIRM}{CANCEL}:{comp.id}")]
        )
        await self.edge.reply(update, text, reply_markup=InlineKeyboardMarkup(rows))

    @callback(f"^{REMOVE}")
    async def removed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group's button after /cuocthi_bo (rm:COMPETITION:CHAT): only organizers, only in private."""
        query = update.callback_query
        if query is None:
            return
        if not self.organizer_tap(update):
            await ack(query, texts.ORGANIZER_ONLY_GROUP)
            return
        _, competition_id, chat_id = parse_ids("x:" + (query.data or "")[len(REMOVE) :], "")
        comp = self.edge.competitions.comps.get(competition_id) if competition_id is not None else None
        if comp is None or chat_id is None:
            await ack(query, texts.ACK_INVALID)
            await self.settle(query, texts.COMP_CONFIRM_GONE)
            return
        enrolment = Enrolment(self.edge.competitions)
        group = enrolment.group(chat_id)
        title = escape(group.title if group else str(chat_id))
        if not enrolment.remove(comp, chat_id):
            await ack(query, texts.ACK_INVALID)
            await self.settle(query, enrol_texts.REMOVED_ALREADY)
            return
        contest = texts.contest(escape(comp.name))
        await ack(query, enrol_texts.TOAST_DONE)
        await self.settle(query, enrol_texts.REMOVED.format(title=title, contest=contest))
        await self.tell_group(context, chat_id, enrol_texts.REMOVED_GROUP.format(contest=contest))

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


def parse_ids(data: str, prefix: str) -> tuple[str, int | None, int | None]:
    """'jr:ok:12:-1001' -> ('ok', 12, -1001); numbers out of range or not plain digits -> None."""
    action, _, rest = data[len(prefix) :].partition(":")
    first, _, second = rest.partition(":")

    def number(text: str) -> int | None:
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            return None
        return int(text)

    return action, number(first), number(second)


def two_buttons(first: tuple[str, str], second: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(first[0], callback_data=first[1]),
                InlineKeyboardButton(second[0], callback_data=second[1]),
            ]
        ]
    )
