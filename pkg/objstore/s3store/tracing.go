package s3store

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracing adds a span per S3 call (S3.PutObject, S3.UploadPart ...), a
// child of the caller's, with the attributes otelaws gave it. It replaces
// otelaws, whose attribute builders for DynamoDB, SQS and SNS linked those
// three SDK clients into every binary: their package initialisation alone
// was about 1 MB of heap and more of touched code in each arca process,
// a restore's included (#17.3).
func tracing(tp trace.TracerProvider) func(*middleware.Stack) error {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	tracer := tp.Tracer("github.com/arcabackup/arca/pkg/objstore/s3store")
	return func(stack *middleware.Stack) error {
		span := middleware.InitializeMiddlewareFunc("ArcaSpan", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			ctx, span := tracer.Start(ctx, service+"."+op, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
				attribute.String("rpc.system", "aws-api"), attribute.String("rpc.method", service+"/"+op),
				attribute.String("cloud.region", awsmiddleware.GetRegion(ctx))))
			defer span.End()
			out, md, err := next.HandleInitialize(ctx, in)
			if err != nil {
				span.SetStatus(codes.Error, err.Error())
			}
			return out, md, err
		})
		status := middleware.DeserializeMiddlewareFunc("ArcaSpanStatus", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			span := trace.SpanFromContext(ctx)
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
				span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
			}
			if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
				span.SetAttributes(attribute.String("aws.request_id", id))
			}
			return out, md, err
		})
		if err := stack.Initialize.Add(span, middleware.After); err != nil {
			return err
		}
		return stack.Deserialize.Add(status, middleware.Before)
	}
}
