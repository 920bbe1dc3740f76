"""Running Crossover past one process: the compose file, and the same shape as plain processes."""
