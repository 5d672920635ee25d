"""Binding a source that carries no API id (a hand-written OpenAPI file) to the id in the request's URL."""

from __future__ import annotations

import dataclasses

from .gateway import Request
from .gateway.hosts import classify
from .model import World


def bind_unknown_ids(world: World, request: Request) -> World:
    """When the URL names an API the World lacks and exactly one API's id is unknown, give it the URL's id.

    The API keeps ``id_known=False``, so every diagnosis says the id was assumed.
    """
    info = classify(request)
    if info.kind == "custom-domain" or not info.api_id or world.apis_with_id(info.api_id):
        return world
    unknown = [a for a in world.apis if not a.id_known]
    if len(unknown) != 1:
        return world
    target = unknown[0]
    bound = dataclasses.replace(target, id=info.api_id, region=info.region or target.region)
    return dataclasses.replace(world, apis=tuple(bound if a is target else a for a in world.apis))
