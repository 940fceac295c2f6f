using System.Data.Common;

namespace PgPerf;

/// <summary>
/// Turns what a user typed into a PgConnectionInfo: a key=value connection string, a
/// postgres:// URI, or the short form host[:port][/database]. Also reads the environment.
/// </summary>
public static class PgConnectionParser
{
    public const string InvalidErrorId = PgPerfErrorIds.Connection.InvalidConnectionString;
    public const string EnvVariable = "PGPERF_CONNECTION";
    public const int DefaultPort = 5432;

    private static readonly Dictionary<string, string> KeyAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "host", ["server"] = "host", ["hostname"] = "host",
        ["port"] = "port",
        ["database"] = "database", ["db"] = "database", ["dbname"] = "database",
        ["username"] = "username", ["user"] = "username", ["userid"] = "username", ["user id"] = "username", ["uid"] = "username",
        ["password"] = "password", ["pwd"] = "password", ["psw"] = "password",
    };

    /// <summary>Parses any accepted form. Throws PgPerfException (InvalidArgument) naming the bad part.</summary>
    public static PgConnectionInfo Parse(string text, PgConnectionSource source = PgConnectionSource.Parameter, string parameterName = "Connection")
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid(parameterName, "The connection is empty. Give a connection string such as 'Host=db1;Database=app', or host[:port][/database].");

        text = text.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return ParseUri(text, source, parameterName);
        if (text.Contains('='))
            return ParseKeyValue(text, source, parameterName);
        return ParseShort(text, source, parameterName);
    }

    /// <summary>Builds a target from PGPERF_CONNECTION, or else from libpq's PG* variables; null when neither is set.</summary>
    public static PgConnectionInfo? FromEnvironment(Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var own = getEnv(EnvVariable);
        if (!string.IsNullOrWhiteSpace(own))
            return Parse(own, PgConnectionSource.EnvironmentVariable, EnvVariable);

        var host = getEnv("PGHOST");
        var portText = getEnv("PGPORT");
        var database = getEnv("PGDATABASE");
        var user = getEnv("PGUSER");
        var password = getEnv("PGPASSWORD");
        var passfile = getEnv("PGPASSFILE");
        if (string.IsNullOrWhiteSpace(host) && string.IsNullOrWhiteSpace(portText) && string.IsNullOrWhiteSpace(database) && string.IsNullOrWhiteSpace(user))
            return null;

        var port = DefaultPort;
        if (!string.IsNullOrWhiteSpace(portText) && !TryPort(portText, out port))
            throw Invalid("PGPORT", $"The environment variable PGPORT is '{portText}', which is not a port number (1-65535).");

        var options = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(passfile))
            options["Passfile"] = passfile;
        // libpq treats a host starting with '/' as a Unix socket folder; Npgsql does the same.
        return new PgConnectionInfo(string.IsNullOrWhiteSpace(host) ? "localhost" : host!, port,
            Blank(database), Blank(user), Blank(password), options, PgConnectionSource.LibpqEnvironment);
    }

    private static PgConnectionInfo ParseKeyValue(string text, PgConnectionSource source, string parameterName)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException ex)
        {
            throw Invalid(parameterName, $"The connection string is malformed: {ex.Message} Use 'Key=Value' pairs separated by ';', quoting values that contain ';' or '='.");
        }

        string? host = null, database = null, user = null, password = null;
        var port = DefaultPort;
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in builder.Keys)
        {
            var value = Convert.ToString(builder[key]) ?? string.Empty;
            var normalized = key.Trim();
            if (!KeyAliases.TryGetValue(normalized, out var canonical))
            {
                if (normalized.Length == 0)
                    throw Invalid(parameterName, "The connection string has an empty keyword.");
                options[normalized] = value;
                continue;
            }

            switch (canonical)
            {
                case "host":
                    if (string.IsNullOrWhiteSpace(value))
                        throw Invalid(parameterName, "The connection string's Host is empty. Set Host to a server name or address.");
                    host = value.Trim();
                    break;
                case "port":
                    if (!TryPort(value, out port))
                        throw Invalid(parameterName, $"The connection string's Port is '{value}', which is not a port number (1-65535).");
                    break;
                case "database": database = Blank(value); break;
                case "username": user = Blank(value); break;
                case "password": password = value.Length == 0 ? null : value; break;
            }
        }

        if (host is null)
            throw Invalid(parameterName, "The connection string has no Host. Add 'Host=<server>' (and Port, Database, Username as needed).");

        // 'Host=db1:6432' carries its port inline; multi-host lists and IPv6 addresses are left to the driver.
        if (!host.Contains(',') && host.Count(c => c == ':') == 1)
        {
            var colon = host.IndexOf(':');
            if (!TryPort(host[(colon + 1)..], out port))
                throw Invalid(parameterName, $"The connection string's Host '{host}' has a port that is not a number (1-65535).");
            host = host[..colon];
        }

        return new PgConnectionInfo(host, port, database, user, password, options, source);
    }

    private static PgConnectionInfo ParseUri(string text, PgConnectionSource source, string parameterName)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw Invalid(parameterName, $"The connection URI is malformed. Use postgresql://user@host:port/database.");

        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Blank(Uri.UnescapeDataString(parts[0]));
            if (parts.Length == 2)
                password = Uri.UnescapeDataString(parts[1]);
        }

        var database = Blank(Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')));
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            if (KeyAliases.TryGetValue(key, out var canonical) && canonical == "password")
                password = value;
            else if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                options["SSL Mode"] = value;
            else
                options[key] = value;
        }

        var host = uri.Host.Trim('[', ']');
        return new PgConnectionInfo(host, uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port, database, user, password, options, source);
    }

    private static PgConnectionInfo ParseShort(string text, PgConnectionSource source, string parameterName)
    {
        string? database = null;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            database = Blank(text[(slash + 1)..]);
            text = text[..slash];
        }

        var host = text;
        var port = DefaultPort;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0)
                throw Invalid(parameterName, $"'{text}' opens an IPv6 address with '[' but never closes it.");
            var rest = host[(close + 1)..];
            host = host[1..close];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':') || !TryPort(rest[1..], out port))
                    throw Invalid(parameterName, $"The port in '{text}' is not a number (1-65535).");
            }
        }
        else if (host.Count(c => c == ':') == 1)
        {
            var colon = host.IndexOf(':');
            if (!TryPort(host[(colon + 1)..], out port))
                throw Invalid(parameterName, $"The port in '{text}' is not a number (1-65535). Use host[:port][/database].");
            host = host[..colon];
        }

        if (string.IsNullOrWhiteSpace(host) || host.Any(char.IsWhiteSpace))
            throw Invalid(parameterName, $"'{text}' is not a host name. Use host[:port][/database] or a connection string such as 'Host=db1;Database=app'.");
        return new PgConnectionInfo(host, port, database, null, null, null, source);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static PgPerfException Invalid(string parameterName, string message) =>
        new(InvalidErrorId, PgPerfErrorKind.InvalidArgument, message) { ParameterName = parameterName };
}
