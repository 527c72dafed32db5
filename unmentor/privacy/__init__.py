"""Personal data: where it is held (the registry), how it is erased and how it is downloaded."""
