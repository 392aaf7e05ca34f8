"""How the bot talks to the Bot API: the HTTP client, the bot object, send pacing (the one owner of 429 retries),
the retry policy for deliveries, and the order in which updates are handled."""
