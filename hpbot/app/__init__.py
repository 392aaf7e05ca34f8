"""The use cases: the daily loop, the rounds' lifecycle, competitions and bulletins.

The only layer that touches the store. It talks to Telegram through the small outbound port in
`hpbot.app.ports`, which the Telegram edge implements and tests can fake; nothing here imports `telegram`.
"""
