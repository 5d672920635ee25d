# The orders HTTP API, defined by an OpenAPI document (the way an API first designed in OpenAPI is deployed),
# served on the same custom domain under the multi-level key shop/v1.
#
#   apigw-doctor diagnose https://api.example.com/shop/v1/orders/7 --source examples/terraform

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders-lambda"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "orders.zip"
}

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders"
  protocol_type = "HTTP"
  body = templatefile("${path.module}/orders-openapi.yaml", {
    orders_lambda_arn = aws_lambda_function.orders.invoke_arn
  })

  cors_configuration {
    allow_origins = ["https://shop.example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type", "authorization"]
  }
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_apigatewayv2_api_mapping" "orders" {
  api_id          = aws_apigatewayv2_api.orders.id
  domain_name     = aws_api_gateway_domain_name.api.domain_name
  stage           = aws_apigatewayv2_stage.default.id
  api_mapping_key = "shop/v1"
}
