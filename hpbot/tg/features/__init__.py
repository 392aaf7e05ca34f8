"""The Telegram edge's features, one module each: its commands and handlers, declared where they are written."""
