"""Who may run a handler, as decorators on a feature's methods: the refusal is said once, here.

@command("dangky", "subscribe")
@admins_only
async def subscribe(self, update, context) -> None: ...
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.tg.edge import AdminCheck

if TYPE_CHECKING:
    from hpbot.tg.router import Feature

F = TypeVar("F", bound="Feature")
Method = Callable[[F, Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def group_only(method: Method[F]) -> Method[F]:
    """Only in a group chat; elsewhere the sender is told where the command works."""

    @functools.wraps(method)
    async def guarded(self: F, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.edge.in_group(update):
            await self.edge.reply(update, texts.GROUP_ONLY)
            return
        await method(self, update, context)

    return guarded


def admins_only(method: Method[F]) -> Method[F]:
    """Only a group's admins, in their group (anonymous admins included)."""

    @functools.wraps(method)
    async def guarded(self: F, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.edge.in_group(update):
            await self.edge.reply(update, texts.GROUP_ONLY)
            return
        check = await self.edge.is_admin(update, context)
        if check is AdminCheck.UNKNOWN:
            await self.edge.reply(update, texts.ADMIN_UNCHECKED)
            return
        if check is AdminCheck.NOT_ADMIN:
            await self.edge.reply(update, texts.ADMIN_ONLY)
            return
        await method(self, update, context)

    return guarded


def organizers_in_private(method: Method[F]) -> Method[F]:
    """Only organizers, and only in private chat: cross-group results are not posted into a group. Refused in
    private, a person is told their Telegram id: what the IT officer needs to make them an organizer."""

    @functools.wraps(method)
    async def guarded(self: F, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.edge.is_organizer(update):
            user = update.effective_user
            if self.edge.in_group(update) or user is None:
                await self.edge.reply(update, texts.ORGANIZER_ONLY_GROUP)
            else:
                await self.edge.reply(update, texts.ORGANIZER_ONLY.format(user_id=user.id))
            return
        if self.edge.in_group(update):
            await self.edge.reply(update, texts.PRIVATE_ONLY)
            return
        await method(self, update, context)

    return guarded


__all__ = ["admins_only", "group_only", "organizers_in_private"]
