"""The pure model: frozen dataclasses describing APIs, stages, deployments and domains."""

from .common import Authorizer, Canary, GatewayResponse, Stage
from .domain import DomainName, Mapping
from .http import DEFAULT_ROUTE, DEFAULT_STAGE, Cors, HttpApi, HttpDeployment, Route
from .origin import NO_ORIGIN, Origin
from .rest import (
    AUTHORIZATION_TYPES,
    ENDPOINT_TYPES,
    HTTP_METHODS,
    Method,
    Resource,
    RestApi,
    RestDeployment,
)
from .world import Api, World

__all__ = [
    "AUTHORIZATION_TYPES",
    "DEFAULT_ROUTE",
    "DEFAULT_STAGE",
    "ENDPOINT_TYPES",
    "HTTP_METHODS",
    "NO_ORIGIN",
    "Api",
    "Authorizer",
    "Canary",
    "Cors",
    "DomainName",
    "GatewayResponse",
    "HttpApi",
    "HttpDeployment",
    "Mapping",
    "Method",
    "Origin",
    "Resource",
    "RestApi",
    "RestDeployment",
    "Route",
    "Stage",
    "World",
]
