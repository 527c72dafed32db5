"""Never-match lists: pairs of people who must never share a group, and who asked."""
