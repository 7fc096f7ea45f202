# syntax=docker/dockerfile:1
# The S3 gateway as one native executable (Native AOT): built with the .NET SDK's AOT image, run on the runtime-deps
# image (no .NET runtime needed), as the non-root user app.
#   docker build -t s3-gateway .
#   docker run -p 9000:9000 -v s3data:/data s3-gateway
# Settings come from the environment, e.g. -e Gateway__AccessKey=me -e Gateway__SecretKey=secret.
# The base images are build arguments so the image can be built where Microsoft's registry cannot be reached
# (tools/container/test.sh builds it offline against locally made images); the defaults are the official ones.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
# The image's runtime identifier (linux-arm64 for an arm64 image, built on an arm64 machine).
ARG RID=linux-x64

FROM ${SDK_IMAGE} AS build
ARG RID
# Extra restore arguments: an offline build passes -p:NuGetAudit=false (the audit needs nuget.org).
ARG RESTORE_ARGS=
WORKDIR /src
# Restore first, from the project files alone, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY storage/Storage.csproj storage/
COPY contract/Contract.csproj contract/
COPY gateway/Gateway.csproj gateway/
RUN dotnet restore gateway/Gateway.csproj -r ${RID} -p:PublishAot=true ${RESTORE_ARGS}
COPY storage/ storage/
COPY contract/ contract/
COPY gateway/ gateway/
RUN dotnet publish gateway/Gateway.csproj -c Release -r ${RID} -p:PublishAot=true -o /app --no-restore \
    && rm -f /app/*.dbg /app/*.pdb /app/*.xml

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:9000 \
    Gateway__DataDir=/data \
    GATEWAY_HEALTH_URL=http://127.0.0.1:9000/_gateway/health
RUN mkdir -p /data && chown app:app /data
VOLUME ["/data"]
# 9001-9004: the upload adapters, when turned on (e.g. -e Gateway__Adapters__Box__Url=http://0.0.0.0:9001).
EXPOSE 9000 9001 9002 9003 9004
USER app
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/app/Gateway", "--healthcheck"]
ENTRYPOINT ["/app/Gateway"]
