"""Importers: VillagerBench's task files -> `TaskSpec`s, parsed by format, never by task name."""
