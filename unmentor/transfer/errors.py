"""The one error a file can give before its rows are checked."""


class TransferError(Exception):
    """A file we cannot read at all; the message is one line for the user."""
