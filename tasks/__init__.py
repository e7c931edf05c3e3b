"""causalcraft: tasks."""
