"""The live board's link, for organizers in private chat: /bangtructiep N, /bangtructiep N moi, /bangtructiep N tat."""

from __future__ import annotations

from html import escape

from telegram import LinkPreviewOptions, Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.live_board import LiveBoardService
from hpbot.texts import live_board as words
from hpbot.tg.features.organizers import OrganizerBase
from hpbot.tg.guards import organizers_in_private
from hpbot.tg.router import command

RENEW, OFF = ("moi", "mới"), ("tat", "tắt")


class LiveBoard(OrganizerBase):
    def service(self, context: ContextTypes.DEFAULT_TYPE) -> LiveBoardService | None:
        from hpbot.tg.app import state

        return state(context.application).live_boards

    @command("bangtructiep", "live_board")
    @organizers_in_private
    async def live_board(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = self.edge.args(context)
        service = self.service(context)
        if service is None or not service.enabled:
            await self.edge.reply(update, words.OFF_ON_SERVER)
            return
        if len(args) > 2:
            await self.edge.reply(update, words.USAGE)
            return
        comp = await self.chosen(update, args[0] if args else None, "bangtructiep", required=True)
        if comp is None:
            return
        word = args[1].casefold() if len(args) > 1 else ""
        if word and word not in RENEW + OFF:
            await self.edge.reply(
                update, words.UNKNOWN_WORD.format(word=escape(args[1])) + "\n\n" + words.USAGE
            )
            return
        if word in OFF:
            contest = texts.contest(escape(comp.name))
            done = service.revoke(comp)
            reply = words.REVOKED if done else words.NONE_TO_REVOKE
            if not done:
                contest = texts.contest(escape(comp.name), first=True)
            await self.edge.reply(update, reply.format(contest=contest))
            return
        assert update.effective_user is not None
        token = service.link(comp, update.effective_user.id, renew=word in RENEW)
        await self.edge.reply(
            update,
            words.LINK.format(
                contest=texts.contest(escape(comp.name)), url=escape(service.url(token)), id=comp.id
            ),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
