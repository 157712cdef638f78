from tests.api.conftest import api_store, client  # noqa: F401 - the same real store as the API tests
