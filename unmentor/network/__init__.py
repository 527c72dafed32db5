"""The network picture: rounds turned into viz's plain data, images cached, metrics for stats."""
