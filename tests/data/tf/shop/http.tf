# The events HTTP API: routes from a for_each, a JWT authorizer, a deployed stage and an auto-deployed one.

resource "aws_apigatewayv2_api" "events" {
  name          = "events"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://shop.example.com"]
    allow_methods = ["get", "post"]
    allow_headers = ["authorization"]
  }
}

resource "aws_apigatewayv2_integration" "events" {
  api_id                 = aws_apigatewayv2_api.events.id
  integration_type       = "AWS_PROXY"
  integration_uri        = data.aws_lambda_function.backend.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.events.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "cognito"

  jwt_configuration {
    audience = ["shop"]
    issuer   = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_EXAMPLE"
  }
}

resource "aws_apigatewayv2_route" "routes" {
  for_each = {
    "GET /events"  = "NONE"
    "POST /events" = "JWT"
  }

  api_id             = aws_apigatewayv2_api.events.id
  route_key          = each.key
  authorization_type = each.value
  authorizer_id      = each.value == "JWT" ? aws_apigatewayv2_authorizer.jwt.id : null
  target             = "integrations/${aws_apigatewayv2_integration.events.id}"
}

resource "aws_apigatewayv2_deployment" "events" {
  api_id     = aws_apigatewayv2_api.events.id
  depends_on = [aws_apigatewayv2_route.routes]
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id        = aws_apigatewayv2_api.events.id
  name          = "prod"
  deployment_id = aws_apigatewayv2_deployment.events.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.events.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_apigatewayv2_api" "socket" {
  name                       = "socket"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

# Quick create: the API's own target makes a $default route and an auto-deployed $default stage.
resource "aws_apigatewayv2_api" "quick" {
  name          = "quick"
  protocol_type = "HTTP"
  target        = data.aws_lambda_function.backend.arn
}
