# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# ReadyToRun: the app and its packages are precompiled for the image's architecture (the restore brings Crossgen2 for
# it, hence the same -a and PublishReadyToRun there), so a container starts without JIT-compiling them and its first scan runs optimised code from the start
# (bench/OPTIMISATION.md, "Cold and warm, ReadyToRun"). Still framework-dependent: the aspnet runtime image below
# provides .NET; -a takes the architecture BuildKit builds for (amd64, arm64).
ARG TARGETARCH=amd64
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props PrivateMail.sln ./
COPY PrivateMail.Domain/PrivateMail.Domain.csproj PrivateMail.Domain/
COPY PrivateMail.Web/PrivateMail.Web.csproj PrivateMail.Web/
RUN dotnet restore PrivateMail.Web/PrivateMail.Web.csproj -a "$TARGETARCH" -p:PublishReadyToRun=true
COPY PrivateMail.Domain/ PrivateMail.Domain/
COPY PrivateMail.Web/ PrivateMail.Web/
COPY wwwroot-assets/ wwwroot-assets/
RUN dotnet publish PrivateMail.Web/PrivateMail.Web.csproj -c Release -a "$TARGETARCH" --self-contained false \
        -p:PublishReadyToRun=true -p:UseAppHost=false --no-restore -o /app

# TLS termination: the container speaks plain http on 8080 and is meant to sit behind a reverse proxy that holds the
# certificate (nginx, Caddy, Traefik). Then set, e.g. with -e:
#   PrivateMail__PublicBaseUrl=https://crm.example.com        cookies Secure always, OAuth redirect URIs, HSTS
#   PrivateMail__ForwardedHeaders__Enabled=true               believe the proxy's X-Forwarded-For / X-Forwarded-Proto
#   PrivateMail__ForwardedHeaders__KnownNetworks__0=172.18.0.0/16   the proxy's address or network (loopback is default)
# Without a proxy, Kestrel can terminate TLS itself: mount the certificate and set
#   ASPNETCORE_URLS=https://+:8443  ASPNETCORE_Kestrel__Certificates__Default__Path=/certs/app.pfx
#   ASPNETCORE_Kestrel__Certificates__Default__Password=...
# Key protection (recommended): mount a .pfx outside /data and set
#   PrivateMail__DataProtection__CertificatePath=/certs/keys.pfx  PrivateMail__DataProtection__CertificatePassword=...
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The database and the Data Protection keys live in /data: mount a volume there to keep them.
ENV PrivateMail__DataDirectory=/data \
    ASPNETCORE_HTTP_PORTS=8080
RUN mkdir -p /data && chown app:app /data
VOLUME /data
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "PrivateMail.Web.dll"]
