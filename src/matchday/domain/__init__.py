"""Pure football logic: canonical records, names, seasons, tables. No I/O, no frameworks."""
