# The pet store REST API, written the way most Terraform modules write one: a resource per path part, a
# method and an integration per verb, one deployment redeployed through `triggers`, one stage.
#
# The classic trap is left in on purpose: `{proxy+}` hangs off the root, and the root itself has no method,
# so GET / answers 403 "Missing Authentication Token" (a greedy proxy never matches its parent).
#
#   apigw-doctor diagnose https://api.example.com/ --source examples/terraform
#   apigw-doctor diagnose https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/pets --source examples/terraform/main.tf

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "stage_name" {
  type    = string
  default = "prod"
}

locals {
  name   = "petstore"
  domain = "api.example.com"
}

resource "aws_lambda_function" "pets" {
  function_name = "${local.name}-pets"
  role          = "arn:aws:iam::123456789012:role/petstore-lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "pets.zip"
}

resource "aws_api_gateway_rest_api" "petstore" {
  name = local.name

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  parent_id   = aws_api_gateway_rest_api.petstore.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_resource" "pet" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  parent_id   = aws_api_gateway_resource.pets.id
  path_part   = "{petId}"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  parent_id   = aws_api_gateway_rest_api.petstore.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "list_pets" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "create_pet" {
  rest_api_id      = aws_api_gateway_rest_api.petstore.id
  resource_id      = aws_api_gateway_resource.pets.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_method" "get_pet" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pet.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "delete_pet" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pet.id
  http_method   = "DELETE"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "pets" {
  for_each = {
    list_pets  = aws_api_gateway_method.list_pets
    create_pet = aws_api_gateway_method.create_pet
    get_pet    = aws_api_gateway_method.get_pet
    delete_pet = aws_api_gateway_method.delete_pet
    proxy      = aws_api_gateway_method.proxy
  }

  rest_api_id             = aws_api_gateway_rest_api.petstore.id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.pets.invoke_arn
}

resource "aws_api_gateway_deployment" "petstore" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.pets.id,
      aws_api_gateway_resource.pet.id,
      aws_api_gateway_resource.proxy.id,
      aws_api_gateway_method.list_pets.id,
      aws_api_gateway_method.create_pet.id,
      aws_api_gateway_method.get_pet.id,
      aws_api_gateway_method.delete_pet.id,
      aws_api_gateway_method.proxy.id,
      aws_api_gateway_integration.pets,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.pets]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  deployment_id = aws_api_gateway_deployment.petstore.id
  stage_name    = var.stage_name

  variables = {
    lambdaAlias = "live"
  }
}

resource "aws_api_gateway_gateway_response" "missing_token" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  response_type = "MISSING_AUTHENTICATION_TOKEN"
  status_code   = "404"

  response_templates = {
    "application/json" = "{\"message\":\"No such route: $context.httpMethod $context.path\"}"
  }

  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'"
  }
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = local.domain
  regional_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_base_path_mapping" "petstore" {
  api_id      = aws_api_gateway_rest_api.petstore.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  domain_name = aws_api_gateway_domain_name.api.domain_name
}
