# APIs defined by an OpenAPI body: inline through jsonencode, and from a file.

resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"

  body = jsonencode({
    openapi = "3.0.1"
    info = {
      title   = "catalog"
      version = "1.0"
    }
    paths = {
      "/products" = {
        get = {
          "x-amazon-apigateway-integration" = {
            type       = "AWS_PROXY"
            httpMethod = "POST"
            uri        = data.aws_lambda_function.backend.invoke_arn
          }
        }
      }
      "/products/{id}" = {
        delete = {
          "x-amazon-apigateway-auth" = { type = "AWS_IAM" }
          "x-amazon-apigateway-integration" = {
            type       = "AWS_PROXY"
            httpMethod = "POST"
            uri        = data.aws_lambda_function.backend.invoke_arn
          }
        }
      }
    }
  })

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "catalog" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id

  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.catalog.body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "catalog" {
  rest_api_id   = aws_api_gateway_rest_api.catalog.id
  deployment_id = aws_api_gateway_deployment.catalog.id
  stage_name    = "v1"
}

resource "aws_api_gateway_rest_api" "library" {
  name = "library"
  body = file("${path.module}/library-swagger.json")

  parameters = {
    basepath = "prepend"
  }
}
