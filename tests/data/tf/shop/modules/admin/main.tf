variable "api_id" {
  type = string
}

variable "root_id" {
  type = string
}

resource "aws_api_gateway_resource" "admin" {
  rest_api_id = var.api_id
  parent_id   = var.root_id
  path_part   = "admin"
}

resource "aws_api_gateway_method" "admin" {
  rest_api_id   = var.api_id
  resource_id   = aws_api_gateway_resource.admin.id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

output "admin_path" {
  value = "/${aws_api_gateway_resource.admin.path_part}"
}
