"""Personal data: where it is held (the registry), how it is erased and how it is downloaded.

It sits above people and rounds (it reads and deletes their rows); they never import it.
"""
