"""Features declare their handlers where they are written, as an aiogram router does; the wiring registers them.

    class Boards(Feature):
        @command("bxh", "leaderboard")
        @group_only
        async def leaderboard(self, update, context) -> None:
            \"\"\"/bxh: the group's board.\"\"\"

`register(application, features)` adds every declared handler to the Application, button taps first (most updates
in a burst are taps, and PTB tries a group's handlers in order).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import Application

    from hpbot.tg.edge import Edge

Callback = Callable[["Update", ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
Kind = Literal["callback", "command", "message", "my_chat_member"]
KIND_ORDER: tuple[Kind, ...] = ("callback", "command", "message", "my_chat_member")
ROUTES = "__hpbot_routes__"


@dataclass(frozen=True)
class Route:
    kind: Kind
    names: tuple[str, ...] = ()
    pattern: str | None = None
    filter: filters.BaseFilter | None = None
    group: int = 0


def _declare(route: Route) -> Callable[[Any], Any]:
    def mark(function: Any) -> Any:
        setattr(function, ROUTES, (*getattr(function, ROUTES, ()), route))
        return function

    return mark


def command(*names: str, filter: filters.BaseFilter | None = None, group: int = 0) -> Callable[[Any], Any]:  # noqa: A002
    """A command (Vietnamese name first, English aliases after); edited messages never run a command again."""
    return _declare(Route("command", names, filter=filter, group=group))


def callback(pattern: str | None = None, group: int = 0) -> Callable[[Any], Any]:
    """An inline-button tap whose data matches `pattern` (any tap when None)."""
    return _declare(Route("callback", pattern=pattern, group=group))


def message(filter: filters.BaseFilter, group: int = 0) -> Callable[[Any], Any]:  # noqa: A002
    """Messages the filter accepts."""
    return _declare(Route("message", filter=filter, group=group))


def my_chat_member(group: int = 0) -> Callable[[Any], Any]:
    """The bot's own membership changed in a chat."""
    return _declare(Route("my_chat_member", group=group))


class Feature:
    """One feature of the Telegram edge: its commands and handlers, with the shared helpers in `self.edge`."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge

    def routes(self) -> list[tuple[Route, Callback]]:
        """The declared handlers, in the order the class defines them."""
        found = []
        for name in dict.fromkeys(n for klass in reversed(type(self).__mro__) for n in vars(klass)):
            function = getattr(type(self), name, None)
            for route in getattr(function, ROUTES, ()):
                found.append((route, getattr(self, name)))
        return found


def _handler(route: Route, callback: Callback) -> BaseHandler[Any, Any, Any]:
    if route.kind == "callback":
        return CallbackQueryHandler(callback, pattern=route.pattern)
    if route.kind == "command":
        only = (
            ~filters.UpdateType.EDITED if route.filter is None else route.filter & ~filters.UpdateType.EDITED
        )
        return CommandHandler(list(route.names), callback, filters=only)
    if route.kind == "message":
        assert route.filter is not None
        return MessageHandler(route.filter, callback)
    return ChatMemberHandler(callback, ChatMemberHandler.MY_CHAT_MEMBER)


def register(
    application: Application[Any, Any, Any, Any, Any, Any], features: Iterable[Feature]
) -> list[Route]:
    """Add every feature's handlers to the Application; returns the routes in the order they were added."""
    routes = [entry for feature in features for entry in feature.routes()]
    added = []
    for kind in KIND_ORDER:
        for route, callback in routes:
            if route.kind == kind:
                application.add_handler(_handler(route, callback), group=route.group)
                added.append(route)
    return added


def command_names(routes: Iterable[Route]) -> set[str]:
    return {name for route in routes for name in route.names}
