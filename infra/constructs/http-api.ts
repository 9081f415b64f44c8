import { CfnOutput, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

export interface PublicHttpApiProps {
  readonly api: IFunction;
  readonly authorizer: IFunction;
  readonly logRetention: RetentionDays;
}

/** Routes that answer without a key (the rest go through the Lambda authorizer). */
const PUBLIC_ROUTES: readonly [HttpMethod, string][] = [
  [HttpMethod.GET, "/v1/health"],
  [HttpMethod.GET, "/openapi.json"],
  [HttpMethod.GET, "/v1/fleets"],
];

const PRIVATE_ROUTES: readonly [HttpMethod, string][] = [
  [HttpMethod.POST, "/v1/accounts"],
  [HttpMethod.POST, "/v1/accounts/{id}/credits"],
  [HttpMethod.POST, "/v1/providers"],
  [HttpMethod.GET, "/v1/models"],
  [HttpMethod.POST, "/v1/chat/completions"],
  [HttpMethod.GET, "/v1/orders/{id}"],
  [HttpMethod.GET, "/v1/balance"],
  [HttpMethod.GET, "/v1/ledger"],
];

/** The HTTP API (API Gateway v2): one api Lambda behind explicit routes, a catch-all for OpenAI-shaped 404s. */
export class PublicHttpApi extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: PublicHttpApiProps) {
    super(scope, id);
    const authorizer = new HttpLambdaAuthorizer("ApiKeyAuthorizer", props.authorizer, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No identity source and no gateway cache: API Gateway would answer a missing key itself, outside the
      // OpenAI error shape. The authorizer lets anonymous callers through, the api Lambda answers them 401, and
      // the authorizer caches key lookups in memory (functions/authorizer/handler.ts).
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    this.httpApi = new HttpApi(this, "HttpApi", {
      description: "OpenAI-compatible API of the green compute & model-token exchange",
      corsPreflight: {
        allowOrigins: ["*"],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: ["authorization", "content-type", "idempotency-key", "prefer"],
      },
    });
    const integration = new HttpLambdaIntegration("ApiIntegration", props.api);
    for (const [method, path] of PUBLIC_ROUTES) {
      const routes = this.httpApi.addRoutes({
        path,
        methods: [method],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      });
      for (const route of routes) {
        Validations.of(route).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: "Health, the OpenAPI document and the public fleet list are public by design (API.md).",
        });
      }
    }
    for (const [method, path] of PRIVATE_ROUTES) {
      this.httpApi.addRoutes({ path, methods: [method], integration, authorizer });
    }
    // Unknown paths reach the api Lambda (authorized) so they get a 404 in the OpenAI error shape.
    this.httpApi.addRoutes({ path: "/{proxy+}", methods: [HttpMethod.ANY], integration, authorizer });
    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.httpApi.defaultStage?.node.defaultChild as CfnStage | undefined;
    if (stage) {
      stage.accessLogSettings = {
        destinationArn: accessLogs.logGroupArn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          routeKey: "$context.routeKey",
          status: "$context.status",
          latencyMs: "$context.responseLatency",
          integrationLatencyMs: "$context.integrationLatency",
          accountId: "$context.authorizer.accountId",
        }),
      };
    }
    new CfnOutput(this, "Url", { key: "ApiUrl", value: this.httpApi.apiEndpoint });
  }
}
