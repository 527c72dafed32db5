"""unmentor: random cross-organisation conversations, round by round."""

__version__ = "0.1.0"
