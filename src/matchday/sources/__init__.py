"""Providers: what to fetch and pure parsers, one package each, registered as ``matchday.sources`` plugins."""
