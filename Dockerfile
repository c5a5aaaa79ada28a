# Builds lakegate and runs it on its embedded default with a persistent
# data volume. cgo is required (DuckDB).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -tags duckdb_arrow -o /out/lakegate ./cmd/lakegate

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/lakegate /usr/local/bin/lakegate
VOLUME /var/lib/lakegate
EXPOSE 5433
ENTRYPOINT ["/usr/local/bin/lakegate"]
# The container's loopback is not the host's, so clients are "remote": they
# log in with the demo accounts over TLS (self-signed pair in the volume).
CMD ["demo", "--listen", "0.0.0.0:5433", "--data", "/var/lib/lakegate", "--allow-remote"]
