"""Test and demo support shipped with hpbot: a simulated Telegram Bot API server."""
