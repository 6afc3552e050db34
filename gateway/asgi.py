"""The ASGI application for ``uvicorn gateway.asgi:app``, configured from the environment."""

import gc

from gateway.app import create_app

app = create_app()

# The process's long-lived objects (modules, the schema, cached plans) are built by now:
# frozen, the cyclic collector no longer walks them on every collection. A request
# allocates thousands of short-lived containers (parsed JSON, driver records, shaped
# answers) that reference counting frees; with the default threshold (700) the collector
# still runs several times per request; fewer, larger young collections cost less CPU
# per request and fewer pauses in the tail (bench/read_path.py).
gc.freeze()
gc.set_threshold(50_000, 20, 20)
