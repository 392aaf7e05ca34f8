"""A group's admins run their group: subscribe, times, post or reveal by hand, contests, the weekly bulletin (the
study calendar and the reminder: hpbot.tg.features.calendar)."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.competitions import Competition
from hpbot.app.enrolment import Enrolment, RequestOutcome
from hpbot.app.study import Group
from hpbot.app.units import LinkOutcome, UnitService
from hpbot.domain import schedule
from hpbot.format import day, display_name
from hpbot.texts import enrolment as enrol_texts
from hpbot.tg.guards import admins_only
from hpbot.tg.router import Feature, command

log = logging.getLogger(__name__)


class GroupAdmin(Feature):
    @command("dangky", "subscribe")
    @admins_only
    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/dangky: subscribe the group to the daily question."""
        chat = self.edge.chat(update)
        group, already = self.edge.study.subscribe(chat.id, chat.title or "", chat.type)
        template = texts.ALREADY_SUBSCRIBED if already else texts.SUBSCRIBED
        await self.edge.reply(update, template.format(post=group.post_time, reveal=group.reveal_time))
        if not already:
            await self.edge.rounds.run_due()

    @command("huydangky", "unsubscribe")
    @admins_only
    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huydangky: stop the daily question."""
        done = self.edge.study.unsubscribe(self.edge.chat(update).id)
        self.edge.rounds.schedule_changed()
        await self.edge.reply(update, texts.UNSUBSCRIBED if done else texts.NOT_SUBSCRIBED)

    @command("caidat", "settings")
    @admins_only
    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/caidat [HH:MM HH:MM]: show or change the post and reveal times."""
        chat = self.edge.chat(update)
        group = self.edge.seen(chat)
        args = self.edge.args(context)
        if args:
            try:
                times = schedule.parse_times(args)
            except schedule.TimeFormatError:
                await self.edge.reply(update, texts.SETTINGS_BAD_FORMAT)
                return
            except ValueError:
                await self.edge.reply(update, texts.SETTINGS_BAD_ORDER)
                return
            refusal = self.edge.study.contests.times_refusal(chat.id, times)
            if refusal is not None:
                await self.edge.reply(update, refusal)
                return
            group = self.edge.study.set_times(chat.id, times)
            self.edge.rounds.schedule_changed()
            await self.edge.reply(
                update, texts.SETTINGS_SAVED.format(post=group.post_time, reveal=group.reveal_time)
            )
            return
        await self.edge.reply(
            update,
            texts.SETTINGS.format(
                status=texts.STATUS_ACTIVE if group.active else texts.STATUS_INACTIVE,
                post=group.post_time,
                reveal=group.reveal_time,
                calendar=self.edge.study.calendar.settings_html(group.chat_id, group.times),
            ),
        )

    @command("guingay", "postnow")
    @admins_only
    async def post_now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/guingay: post today's question now if it is not posted yet."""
        group = self.edge.seen(self.edge.chat(update))
        if not group.active:
            await self.edge.reply(update, texts.NOT_SUBSCRIBED)
            return
        if self.edge.study.today_round(group.chat_id) is not None:
            await self.edge.reply(update, texts.POSTNOW_ALREADY)
            return
        off = self.edge.study.calendar.day_off(group.chat_id)
        if off is not None:  # a day off in the group's calendar has no question
            await self.edge.reply(update, self.edge.study.calendar.day_off_html(off))
            return
        posted = await self.edge.rounds.post_for(group, early=True)
        if not posted and self.edge.study.today_round(group.chat_id) is None:
            await self.edge.reply(update, texts.POSTNOW_TOO_LATE.format(reveal=group.reveal_time))

    @command("congbo", "reveal")
    @admins_only
    async def reveal_now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/congbo: reveal today's answer now."""
        rnd = self.edge.study.today_round(self.edge.chat(update).id)
        if rnd is None or not rnd.is_open:
            await self.edge.reply(update, texts.REVEAL_NOTHING)
            return
        refusal = self.edge.study.contests.early_reveal_refusal(rnd)
        if refusal is not None:
            await self.edge.reply(update, refusal)
            return
        await self.edge.rounds.reveal(rnd)

    @command("thamgia", "join")
    @admins_only
    async def join(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/thamgia CODE: the group asks to enter a competition (the organizers decide), or enters one that needs
        no approval."""
        code = "".join(self.edge.args(context)).strip()
        if not code:
            await self.edge.reply(update, texts.JOIN_USAGE)
            return
        group = self.edge.seen(self.edge.chat(update))
        user = update.effective_user
        admin = display_name(user.first_name, user.last_name, user.username) if user else ""
        enrolment = Enrolment(self.edge.competitions)
        members = await self.member_count(context, group.chat_id)
        outcome, comp = enrolment.request(code, group, members, admin, user.id if user else 0)
        if (
            comp is None
        ):  # not a competition's code: a cell's code of a unit list, alone or after the contest's
            await self.link_cell(update, group, self.edge.args(context), code)
            return
        contest = texts.contest(escape(comp.name))
        if outcome is RequestOutcome.ENDED:
            await self.edge.reply(update, texts.JOIN_ENDED.format(name=escape(comp.name)))
        elif outcome is RequestOutcome.MEMBER:
            await self.edge.reply(update, texts.JOIN_ALREADY.format(name=escape(comp.name)))
        elif outcome is RequestOutcome.REMOVED:
            await self.edge.reply(update, enrolment.removed_html(comp, group.chat_id))
        elif outcome is RequestOutcome.PENDING:
            await self.edge.reply(update, enrol_texts.REQUEST_PENDING.format(contest=contest))
        elif outcome is RequestOutcome.REQUESTED:
            await self.edge.reply(update, enrolment.requested_html(comp, group.chat_id))
            request = enrolment.table.request(comp.id, group.chat_id)
            assert request is not None  # just written
            await self.tell_organizers(
                context, enrolment, enrolment.request_html(comp, request), comp, group.chat_id
            )
        else:
            text = texts.JOINED.format(name=escape(comp.name), start=day(comp.start), end=day(comp.end))
            text += self.edge.study.contests.joined(group)
            self.edge.rounds.schedule_changed()
            await self.edge.reply(update, text + ("" if group.active else texts.JOINED_NOT_SUBSCRIBED))

    async def link_cell(self, update: Update, group: Group, args: list[str], code: str) -> None:
        """/thamgia CELL or /thamgia CONTEST CELL: the group takes its cell of the organizer's unit list and enters
        the competition (the list is the organizer's approval)."""
        units = UnitService(self.edge.competitions)
        linked = units.link(group, "".join(args[1:]), args[0]) if len(args) >= 2 else units.link(group, code)
        if linked.outcome is LinkOutcome.NONE:
            await self.edge.reply(update, texts.JOIN_UNKNOWN.format(code=escape(code[:20])))
            return
        text = units.linked_html(linked)
        if linked.outcome is LinkOutcome.LINKED:
            text += self.edge.study.contests.joined(group)
            self.edge.rounds.schedule_changed()
            text += "" if group.active else texts.JOINED_NOT_SUBSCRIBED
        await self.edge.reply(update, text)

    async def member_count(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> int | None:
        """The group's people, the bot itself not counted (Telegram's count includes every bot in the chat)."""
        try:
            return max(0, await context.bot.get_chat_member_count(chat_id) - 1)
        except TelegramError as exc:
            log.info("no member count for %s: %s", chat_id, exc.message)
            return None

    async def tell_organizers(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        enrolment: Enrolment,
        html: str,
        comp: Competition,
        chat_id: int,
    ) -> None:
        """Each organizer gets the request with its buttons in private (one who never started the bot cannot be
        written to: /cuocthi_cho lists the requests again)."""
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        enrol_texts.BUTTON_APPROVE, callback_data=f"jr:ok:{comp.id}:{chat_id}"
                    ),
                    InlineKeyboardButton(
                        enrol_texts.BUTTON_REFUSE, callback_data=f"jr:no:{comp.id}:{chat_id}"
                    ),
                ]
            ]
        )
        for organizer in enrolment.organizers():
            try:
                await context.bot.send_message(
                    organizer, html, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            except TelegramError as exc:
                log.info("could not tell organizer %s of a join request: %s", organizer, exc.message)

    @command("bantin", "bulletin")
    @admins_only
    async def bulletin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bantin [bat|tat]: the weekly bulletin on or off."""
        chat_id = self.edge.seen(self.edge.chat(update)).chat_id
        word = " ".join(self.edge.args(context)).strip().lower()
        comps = self.edge.competitions
        if not word:
            state = texts.BULLETIN_STATE_ON if comps.bulletin_on(chat_id) else texts.BULLETIN_STATE_OFF
            await self.edge.reply(update, texts.BULLETIN_STATE.format(state=state))
        elif word in texts.BULLETIN_WORDS_ON or word in texts.BULLETIN_WORDS_OFF:
            on = word in texts.BULLETIN_WORDS_ON
            comps.set_bulletin(chat_id, on)
            await self.edge.reply(update, texts.BULLETIN_SAVED_ON if on else texts.BULLETIN_SAVED_OFF)
        else:
            await self.edge.reply(update, texts.BULLETIN_USAGE)
