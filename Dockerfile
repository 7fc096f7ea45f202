# syntax=docker/dockerfile:1
# S3 multipart gateway: build with the .NET SDK, run on the ASP.NET runtime.
#   docker build -t s3-gateway .
#   docker run -p 9000:9000 -v s3data:/data s3-gateway
# Settings come from the environment, e.g. -e Gateway__AccessKey=me -e Gateway__SecretKey=secret.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY storage/Storage.csproj storage/
COPY contract/Contract.csproj contract/
COPY gateway/Gateway.csproj gateway/
RUN dotnet restore gateway/Gateway.csproj
COPY storage/ storage/
COPY contract/ contract/
COPY gateway/ gateway/
RUN dotnet publish gateway/Gateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
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
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["dotnet", "/app/Gateway.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/Gateway.dll"]
