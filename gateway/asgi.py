"""The ASGI application for ``uvicorn gateway.asgi:app``, configured from the environment."""

from gateway.app import create_app

app = create_app()
