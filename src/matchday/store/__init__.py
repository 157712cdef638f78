"""The store: schema, engine, queries and bulk writes. The only place that knows SQL."""
