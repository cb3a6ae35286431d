# The images of docker-compose.yml: relance (worker and starter, target
# "relance", the default) and the SES emulator for development (target
# "ses", installed at build time from package-lock.json, not fetched at
# start).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY third_party ./third_party
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/worker ./worker && CGO_ENABLED=0 go build -o /out/starter ./starter

FROM node:20-slim AS ses
WORKDIR /ses
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
EXPOSE 8005
CMD ["node_modules/.bin/aws-ses-v2-local", "--host", "0.0.0.0", "--port", "8005"]

FROM gcr.io/distroless/static-debian12 AS relance
COPY --from=build /out/worker /out/starter /usr/local/bin/
ENTRYPOINT []
