"""Pure rules of the study loop: no I/O, `now` is always passed in."""
