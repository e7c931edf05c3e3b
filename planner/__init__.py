"""causalcraft: planner."""
