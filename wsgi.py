"""The one entry point for servers: ``app = create_app()``."""

from core import create_app
from core.extensions import socketio

app = create_app()

__all__ = ["app", "socketio"]
