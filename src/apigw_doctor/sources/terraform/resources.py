"""The typed Terraform resources -> the model: REST APIs, HTTP APIs and custom domains, in one World."""

from __future__ import annotations

from ...model import Api, World
from .config import TerraformConfig
from .domains import domains
from .http import http_apis
from .link import Links
from .rest import rest_apis


def to_world(config: TerraformConfig) -> World:
    """Every API and custom domain of ``config``. What cannot be placed is skipped and noted, never guessed."""
    links = Links(config)
    notes = list(config.notes)
    apis: tuple[Api, ...] = (*rest_apis(config, links, notes), *http_apis(config, links, notes))
    found = domains(config, links, notes)
    if not apis and not found:
        notes.append(f"{config.source}: no API Gateway API or custom domain in this Terraform {_what(config.kind)}")
    return World(apis=apis, domains=tuple(found), notes=tuple(dict.fromkeys(notes)))


def _what(kind: str) -> str:
    return {"hcl": "configuration", "plan": "plan", "state": "state"}.get(kind, kind)
