"""`python -m unmentor.cli`."""

from unmentor.cli import app

app()
