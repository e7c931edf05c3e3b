"""causalcraft: env."""
