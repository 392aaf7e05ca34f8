"""The Telegram edge: the Application, one module per feature, guards, the outbound port and the transport.

python-telegram-bot 22 reports durations (a 429's `retry_after`) as plain seconds with a deprecation warning on
every read, and as `datetime.timedelta` from version 23 or with PTB_TIMEDELTA set: hpbot opts in now, so it reads
them one way (hpbot.tg.transport.pacing.retry_after_seconds) and no warning is raised.
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")
