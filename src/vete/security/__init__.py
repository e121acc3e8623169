"""Who may do what: the one authorization table the tests and docs/reliability.md share."""
