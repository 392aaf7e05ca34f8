"""Organizers' contest administration, in private chat: prizes and certificates, join requests and their
decision, a group taken out of a competition."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.awards import AwardService, awards_html, prizes_summary
from hpbot.app.enrolment import FOUND_MAX, Decision, Enrolment
from hpbot.domain.awards import PRIZE_MAX, PrizeInputError
from hpbot.format import short
from hpbot.texts import awards as award_texts
from hpbot.texts import enrolment as enrol_texts
from hpbot.tg.features.daily import ack
from hpbot.tg.features.organizers import CANCEL, CONFIRM, REMOVE, REQUEST, OrganizerBase
from hpbot.tg.guards import organizers_in_private
from hpbot.tg.router import callback, command

log = logging.getLogger(__name__)


class Contests(OrganizerBase):
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
        listing = await self.apart(lambda snap: AwardService(snap).awards(comp))
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
        listing = await self.apart(lambda snap: AwardService(snap).awards(comp))
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
        query = await self.organizer_query(update)
        if query is None:
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
        query = await self.organizer_query(update)
        if query is None:
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
        assert update.effective_user is not None  # an organizer's tap (organizer_query)
        if not enrolment.remove(comp, chat_id, update.effective_user.id):
            await ack(query, texts.ACK_INVALID)
            await self.settle(query, enrol_texts.REMOVED_ALREADY)
            return
        contest = texts.contest(escape(comp.name))
        await ack(query, enrol_texts.TOAST_DONE)
        await self.settle(query, enrol_texts.REMOVED.format(title=title, contest=contest))
        await self.tell_group(context, chat_id, enrol_texts.REMOVED_GROUP.format(contest=contest))


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
