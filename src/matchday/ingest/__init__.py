"""The one data path: read → parse → resolve → upsert → record the run."""
