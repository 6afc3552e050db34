"""The ASGI application for ``uvicorn gateway.asgi:app``, configured from the environment."""

import gc

from gateway.app import create_app

app = create_app()

# The process's long-lived objects (modules, the schema, cached plans) are built by now:
# frozen, the cyclic collector no longer walks them. A request leaves some hundred objects
# in reference cycles (the driver's session and result, graphql-core's executor, the ASGI
# cycle) that only the collector frees; its default young-generation threshold keeps each
# collection small (0.1-0.2 ms). A larger threshold (5,000, 50,000) costs more CPU per
# request, not less: a collection's cost per object grows once the young generation no
# longer fits the CPU's caches (22 ms per 50,000-object collection, some 60 µs per
# worked query), and its pauses show in the tail (bench/read_path.py).
gc.freeze()
