# routewatch: multi-stage build. The web app is built with Node and embedded into the Go
# binary; h3-go needs cgo, so the Go stage has gcc and the runtime is a glibc image.
FROM node:20-bookworm AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/routewatch ./cmd/routewatch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /nonexistent routewatch
COPY --from=build /out/routewatch /usr/local/bin/routewatch
USER routewatch
ENV ROUTEWATCH_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["/usr/local/bin/routewatch", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/routewatch"]
CMD ["serve"]
