"""causalcraft: agents."""
