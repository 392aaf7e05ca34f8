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
        if not await self.edge.is_admin(update, context):
            await self.edge.reply(update, texts.ADMIN_ONLY)
            return
        await method(self, update, context)

    return guarded


def organizers_in_private(method: Method[F]) -> Method[F]:
    """Only organizers, and only in private chat: cross-group results are not posted into a group."""

    @functools.wraps(method)
    async def guarded(self: F, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.edge.is_organizer(update):
            await self.edge.reply(update, texts.ORGANIZER_ONLY)
            return
        if self.edge.in_group(update):
            await self.edge.reply(update, texts.PRIVATE_ONLY)
            return
        await method(self, update, context)

    return guarded


__all__ = ["admins_only", "group_only", "organizers_in_private"]
