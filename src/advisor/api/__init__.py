"""The web app and HTTP API: `create_app(settings)`; routers/ per feature, middleware/ per job."""

from __future__ import annotations

from advisor.api.app import create_app

__all__ = ["create_app"]
