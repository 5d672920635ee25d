# An HTTP API whose stage neither auto-deploys nor names a deployment (APIGW030): no route is ever live.
resource "aws_apigatewayv2_api" "events" {
  name          = "events"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "list" {
  api_id    = aws_apigatewayv2_api.events.id
  route_key = "GET /events"
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id = aws_apigatewayv2_api.events.id
  name   = "prod"
}
