"""The device's own record in SQLite (check-ins, exercises, safety events) and the trends told from it."""
