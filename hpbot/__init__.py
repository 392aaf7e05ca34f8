"""hpbot: a question a day from the Q&A outline on the documents of the 1st Hai Phong City Party Congress."""

__version__ = "0.1.0"
