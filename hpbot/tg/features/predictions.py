"""The prediction tie-break: a member's `/dudoan` in private chat, the organizer's `/cuocthi_vong`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from hpbot.app.predictions import PredictionService
from hpbot.texts import predictions as pred_texts
from hpbot.tg.features.organizers import OrganizerBase
from hpbot.tg.guards import organizers_in_private
from hpbot.tg.router import command


class Predictions(OrganizerBase):
    @command("dudoan", "predict")
    async def predict(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/dudoan [N] NUMBER in private: the member's prediction (changeable until the round's deadline)."""
        if self.edge.in_group(update):
            await self.edge.reply(update, pred_texts.IN_GROUP)
            return
        user = update.effective_user
        if user is None:
            return
        service = PredictionService(self.edge.competitions)
        await self.edge.reply(update, service.predict_html(user.id, self.edge.args(context)))

    @command("cuocthi_vong", "competition_rounds")
    @organizers_in_private
    async def rounds(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cuocthi_vong N [tuan|ca|days]: show or set the competition's rounds (each ends with a prediction)."""
        args = self.edge.args(context)
        comp = await self.chosen(update, args[0] if args else None, "cuocthi_vong", required=True)
        if comp is None:
            return
        typed = " ".join(args[1:]) if len(args) > 1 else None
        await self.edge.reply(update, PredictionService(self.edge.competitions).rounds_html(comp, typed))
