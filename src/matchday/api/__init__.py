"""The REST API (v1): FastAPI app factory, routers, schemas, errors."""
