"""The ASGI application for ``uvicorn gateway.asgi:app``, configured from the environment."""

import gc

from gateway.app import create_app

app = create_app()

# The process's long-lived objects (modules, the schema, cached plans) are built by now:
# frozen, the cyclic collector no longer walks them. The young generation is collected
# when a request has been answered (gateway/observe.py). A larger threshold (5,000,
# 50,000) costs more CPU per request, not less: a collection's cost per object grows once
# the young generation no longer fits the CPU's caches (22 ms per 50,000-object
# collection, some 60 µs per worked query), and its pauses show in the tail.
gc.freeze()
