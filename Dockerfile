# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props PrivateMail.sln ./
COPY PrivateMail.Domain/PrivateMail.Domain.csproj PrivateMail.Domain/
COPY PrivateMail.Web/PrivateMail.Web.csproj PrivateMail.Web/
RUN dotnet restore PrivateMail.Web/PrivateMail.Web.csproj
COPY PrivateMail.Domain/ PrivateMail.Domain/
COPY PrivateMail.Web/ PrivateMail.Web/
COPY wwwroot-assets/ wwwroot-assets/
RUN dotnet publish PrivateMail.Web/PrivateMail.Web.csproj -c Release --no-restore -o /app

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
