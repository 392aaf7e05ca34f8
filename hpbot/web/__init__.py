"""The live board on the web: a contest's standings as a page for the projector, served by the bot itself."""
