"""Run hpbot: `python bot.py` (the same as `hpbot run`)."""

import sys

from hpbot.runner import run

if __name__ == "__main__":
    sys.exit(run())
