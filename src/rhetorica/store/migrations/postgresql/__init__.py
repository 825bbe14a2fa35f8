"""PostgreSQL schema migrations: numbered SQL files, applied in order, one transaction each."""
