# Custom domains: an edge domain (in us-east-1, through the provider alias) mapped with neither base path nor
# stage, and a regional v2 domain with multi-level API mapping keys.

resource "aws_api_gateway_domain_name" "edge" {
  provider        = aws.virginia
  domain_name     = "shop.example.com"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/edge"
}

resource "aws_api_gateway_base_path_mapping" "shop" {
  api_id      = aws_api_gateway_rest_api.shop.id
  domain_name = aws_api_gateway_domain_name.edge.domain_name
}

resource "aws_apigatewayv2_domain_name" "events" {
  domain_name = "events.example.com"

  domain_name_configuration {
    certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/events"
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "events" {
  api_id          = aws_apigatewayv2_api.events.id
  domain_name     = aws_apigatewayv2_domain_name.events.id
  stage           = aws_apigatewayv2_stage.prod.id
  api_mapping_key = "events/v2"
}

resource "aws_apigatewayv2_api_mapping" "catalog" {
  api_id          = aws_api_gateway_rest_api.catalog.id
  domain_name     = aws_apigatewayv2_domain_name.events.domain_name
  stage           = aws_api_gateway_stage.catalog.stage_name
  api_mapping_key = "catalog"
}
