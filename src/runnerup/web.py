"""The WSGI entry points under the name 0.1.0 documented (`gunicorn
'runnerup.web:app_from_env()'`), kept so that a deployment does not break on upgrade.

The feed lives in feed/ (feed/wsgi.py); nothing else belongs here.
"""

from __future__ import annotations

from .feed.wsgi import app_from_env, make_app

__all__ = ["app_from_env", "make_app"]
