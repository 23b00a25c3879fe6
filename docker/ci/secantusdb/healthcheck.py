"""Healthcheck of the CI-only MongoDB stand-in: exit 0 when the server answers a ping on 27017
(like `mongosh --eval "db.adminCommand('ping')"` for the official image; ping needs no login)."""
import sys
from pymongo import MongoClient

try:
    MongoClient("127.0.0.1", 27017, directConnection=True, serverSelectionTimeoutMS=2000,
                connectTimeoutMS=2000).admin.command("ping")
except Exception as e:  # noqa: BLE001 - any failure means "not healthy"
    print(f"not healthy: {e}", file=sys.stderr)
    sys.exit(1)
