# What the source reads through a local module, and what it cannot know.

module "admin" {
  source  = "./modules/admin"
  api_id  = aws_api_gateway_rest_api.shop.id
  root_id = aws_api_gateway_rest_api.shop.root_resource_id
}

module "network" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

variable "extra_count" {
  type = number
}

resource "aws_api_gateway_resource" "extra" {
  count       = var.extra_count
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "extra${count.index}"
}

data "aws_api_gateway_rest_api" "existing" {
  name = "existing"
}

resource "aws_api_gateway_resource" "orphan" {
  rest_api_id = data.aws_api_gateway_rest_api.existing.id
  parent_id   = data.aws_api_gateway_rest_api.existing.root_resource_id
  path_part   = "orphan"
}

resource "aws_api_gateway_resource" "vpc_only" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = module.network.root_resource_id
  path_part   = "vpc"
}
