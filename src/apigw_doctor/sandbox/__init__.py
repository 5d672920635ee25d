"""The embedded AWS sandbox: moto's server in this process on 127.0.0.1, made to answer API Gateway reads
like AWS, and a demo account with the classic traps. No network, no AWS account. See docs/sandbox.md.

Importing this package is cheap: moto and boto3 load when a :class:`Sandbox` starts or makes a client.
"""

from __future__ import annotations

from .seed import DemoApi, Trap, seed_demo
from .server import ACCESS_KEY_ID, ACCOUNT_ID, DEFAULT_REGION, SECRET_ACCESS_KEY, Sandbox, SandboxError

__all__ = [
    "ACCESS_KEY_ID",
    "ACCOUNT_ID",
    "DEFAULT_REGION",
    "SECRET_ACCESS_KEY",
    "DemoApi",
    "Sandbox",
    "SandboxError",
    "Trap",
    "seed_demo",
]
