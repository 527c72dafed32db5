"""Stories: a few sentences a member shares about a conversation that happened."""
