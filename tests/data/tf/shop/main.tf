# The shop: a REST API built resource by resource, as most Terraform modules do it.

terraform {
  required_version = ">= 1.5"
}

provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

variable "stage" {
  type    = string
  default = "dev" # terraform.tfvars says "live"
}

variable "api_versions" {
  type    = list(string)
  default = ["v1", "v2"]
}

locals {
  api_name = "shop-${var.stage}"
}

data "aws_lambda_function" "backend" {
  function_name = "shop-backend"
}

resource "aws_api_gateway_rest_api" "shop" {
  name                         = local.api_name
  api_key_source               = "HEADER"
  disable_execute_api_endpoint = false

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = {
    team = "shop"
  }
}

# {proxy+} straight under a root that has no method of its own.
resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.shop.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "https://backend.example.com/{proxy}"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{itemId}"
}

resource "aws_api_gateway_method" "list_items" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "list_items" {
  rest_api_id             = aws_api_gateway_rest_api.shop.id
  resource_id             = aws_api_gateway_method.list_items.resource_id
  http_method             = aws_api_gateway_method.list_items.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = data.aws_lambda_function.backend.invoke_arn
}

resource "aws_api_gateway_authorizer" "token" {
  name            = "token"
  rest_api_id     = aws_api_gateway_rest_api.shop.id
  authorizer_uri  = data.aws_lambda_function.backend.invoke_arn
  identity_source = "method.request.header.X-Token"
}

resource "aws_api_gateway_method" "get_item" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.item.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.token.id
}

resource "aws_api_gateway_resource" "versions" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "versions"
}

resource "aws_api_gateway_resource" "version" {
  count       = length(var.api_versions)
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.versions.id
  path_part   = var.api_versions[count.index]
}

resource "aws_api_gateway_method" "version" {
  count         = length(var.api_versions)
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.version[count.index].id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "version" {
  count       = length(var.api_versions)
  rest_api_id = aws_api_gateway_rest_api.shop.id
  resource_id = aws_api_gateway_resource.version[count.index].id
  http_method = "GET"
  type        = "MOCK"
}

resource "aws_api_gateway_deployment" "shop" {
  rest_api_id = aws_api_gateway_rest_api.shop.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.proxy.id,
      aws_api_gateway_method.proxy.id,
      aws_api_gateway_integration.proxy.id,
      aws_api_gateway_method.list_items.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.proxy, aws_api_gateway_integration.list_items]
}

resource "aws_api_gateway_deployment" "canary" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  description = "canary build"
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = var.stage

  variables = {
    backend = "blue"
  }

  canary_settings {
    percent_traffic          = 10
    deployment_id            = aws_api_gateway_deployment.canary.id
    stage_variable_overrides = { backend = "green" }
  }
}

# The deprecated way: a deployment that creates its own stage.
resource "aws_api_gateway_deployment" "legacy" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  stage_name  = "legacy"
}

resource "aws_api_gateway_gateway_response" "missing_token" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  response_type = "MISSING_AUTHENTICATION_TOKEN"
  status_code   = "404"

  response_templates = {
    "application/json" = "{\"message\":\"not found\"}"
  }
}
