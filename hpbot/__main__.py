"""`python -m hpbot …` is the same as the `hpbot` command."""

import sys

from hpbot.cli import main

sys.exit(main())
