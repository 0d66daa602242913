# versitygw, the S3 gateway of deploy/compose, built from source at the
# version the tests use (pkg/teststack.VersityGWInstall).
ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install github.com/versity/versitygw/cmd/versitygw@v1.8.0

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/versitygw /usr/local/bin/versitygw
ENTRYPOINT ["/usr/local/bin/versitygw"]
