"""The Telegram edge: wiring, thin handlers, jobs, rendering and the Vietnamese texts."""
