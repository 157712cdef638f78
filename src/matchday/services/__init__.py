"""Services: football questions answered from the store. They never commit; faces (CLI, API) stay thin."""
