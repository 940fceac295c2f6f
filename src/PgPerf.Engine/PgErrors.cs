using System.Net.Sockets;
using Npgsql;

namespace PgPerf.Engine;

/// <summary>Turns driver and server exceptions into PgPerfException with stable ids and useful text.</summary>
public static class PgErrors
{
    public static PgPerfException Translate(Exception ex, PgConnectionInfo info, bool connecting)
    {
        if (ex is PgPerfException own)
            return own;
        if (ex is AggregateException { InnerExceptions.Count: 1 } aggregate)
            return Translate(aggregate.InnerException!, info, connecting);

        var where = info.Endpoint;
        if (ex is PostgresException pg)
        {
            var text = Scrub(pg.MessageText, info);
            return pg.SqlState switch
            {
                "28P01" or "28000" => new PgPerfException(PgPerfErrorIds.Connection.AuthenticationFailed, PgPerfErrorKind.AuthenticationError,
                    $"PostgreSQL at {where} refused the login for user '{info.Username ?? "(default)"}': {text}. Check the user name and password (or the pgpass file).", info.Server, ex),
                "3D000" => new PgPerfException(PgPerfErrorIds.Connection.DatabaseNotFound, PgPerfErrorKind.ObjectNotFound,
                    $"Database '{info.Database}' does not exist on {where}. Check the Database part of the connection.", info.Server, ex),
                "53300" or "57P03" => new PgPerfException(PgPerfErrorIds.Connection.Failed, PgPerfErrorKind.ConnectionError,
                    $"PostgreSQL at {where} is not accepting connections now: {text}.", info.Server, ex),
                // The server ended the session (shutdown, restart, crash) or the link broke: an outage, not bad data.
                "57P01" or "57P02" or "08000" or "08003" or "08006" => new PgPerfException(PgPerfErrorIds.Connection.Failed, PgPerfErrorKind.ConnectionError,
                    $"PostgreSQL at {where} ended the session: {text}. The server was stopped or restarted; run the command again once it is back.", info.Server, ex),
                "42501" => new PgPerfException(PgPerfErrorIds.PermissionDenied, PgPerfErrorKind.PermissionDenied,
                    $"The role '{info.Username ?? "(default)"}' on {info.Server} lacks a privilege: {text}. See docs/security.md for the roles PgPerf needs.", info.Server, ex),
                "57014" => new PgPerfException(PgPerfErrorIds.Timeout, PgPerfErrorKind.OperationTimeout,
                    $"The statement on {info.Server} was cancelled: {text}.", info.Server, ex),
                "55P03" => new PgPerfException(PgPerfErrorIds.LockNotAvailable, PgPerfErrorKind.ResourceBusy,
                    $"A lock needed on {info.Server} is held by another session: {text}. Try again later.", info.Server, ex),
                _ => new PgPerfException(PgPerfErrorIds.Database.Error, PgPerfErrorKind.InvalidOperation,
                    $"PostgreSQL on {info.Server} reported {pg.SqlState}: {text}" + (pg.Detail is null ? "" : $" ({Scrub(pg.Detail, info)})"), info.Server, ex),
            };
        }

        if (!connecting && HasTimeout(ex))
            return new PgPerfException(PgPerfErrorIds.Timeout, PgPerfErrorKind.OperationTimeout,
                $"A command on {info.Server} did not finish within its timeout. Try a smaller scope, or raise 'Command Timeout' in the connection string.", info.Server, ex);

        if (ex is NpgsqlException or SocketException or TimeoutException or IOException || connecting)
        {
            var reason = Scrub(Reason(ex), info);
            return new PgPerfException(PgPerfErrorIds.Connection.Failed, PgPerfErrorKind.ConnectionError,
                $"Could not connect to PostgreSQL at {where}: {reason}. Check that the server is running and that host and port are right.", info.Server, ex);
        }

        return new PgPerfException(PgPerfErrorIds.Unexpected, PgPerfErrorKind.InvalidOperation,
            $"Unexpected failure on {info.Server}: {Scrub(ex.Message, info)}", info.Server, ex);
    }

    /// <summary>
    /// A missing schema, relation or function: when PgPerf's own schema is absent this is what its statements fail
    /// with. The SQLSTATE says an object is missing but not whose; the caller asks the server whether the schema is
    /// there (PgServerContext) instead of reading the message, which lc_messages translates and which names a user's
    /// object just as well.
    /// </summary>
    internal static bool IsMissingObject(Exception ex) =>
        ex is PostgresException { SqlState: "3F000" or "42P01" or "42883" };

    public static PgPerfException NotInstalled(PgConnectionInfo info, Exception? inner = null) =>
        new(PgPerfErrorIds.Schema.NotInstalled, PgPerfErrorKind.NotInstalled,
            $"Schema pgperf is not installed in database {info.Database ?? "(default)"} on {info.Endpoint}; run Install-PgPerfSchema.", info.Server, inner);

    /// <summary>Removes the password from text that may end up in an error record.</summary>
    public static string Scrub(string text, PgConnectionInfo info)
    {
        var password = info.Password;
        return string.IsNullOrEmpty(password) || password.Length < 3 ? text : text.Replace(password, "********", StringComparison.Ordinal);
    }

    private static bool HasTimeout(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException) return true;
        return false;
    }

    private static string Reason(Exception ex)
    {
        // The innermost socket or timeout message is the useful one ("Connection refused").
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket) return socket.Message;
            if (e is TimeoutException) return "the connection attempt timed out";
        }
        return ex.InnerException?.Message ?? ex.Message;
    }
}
