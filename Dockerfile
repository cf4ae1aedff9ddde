# nodesim as a container image: a static binary on a minimal base, for a
# Kubernetes Indexed Job (deploy/kubernetes/). Build from the repository
# root:  docker build -t nodesim:0.1.0 .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: a static binary needs no libc in the image. default.pgo in
# cmd/nodesim applies as in `make build`.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/nodesim ./cmd/nodesim

# Nothing but the binary, CA certificates and a non-root user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nodesim /nodesim
USER 65532:65532
ENTRYPOINT ["/nodesim"]
