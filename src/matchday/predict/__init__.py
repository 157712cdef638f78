"""Predictions: ratings, goal models, market de-margining, features as of kick-off, walk-forward evaluation.

Everything here is a pure function of matches and odds (numpy/scipy); nothing reads the store. The one
walk-forward harness (:mod:`matchday.predict.walkforward`) is what the CLI, the API and the benchmark use, so
what they report is the same computation. Nothing may see a result before it was known (DESIGN.md §12).
"""
