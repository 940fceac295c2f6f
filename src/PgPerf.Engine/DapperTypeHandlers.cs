using System.Data;
using Dapper;

namespace PgPerf.Engine;

/// <summary>
/// How Dapper reads PostgreSQL values into the public models. Registered once, by PgServerContext's static
/// constructor (every query of the Engine goes through a PgServerContext): a query then maps straight onto a model,
/// without a private row class that mirrors the model only to turn text[] into PgList.
/// </summary>
internal static class DapperTypeHandlers
{
    internal static void Register() => SqlMapper.AddTypeHandler(new PgListHandler<string>());

    /// <summary>A PostgreSQL array (text[] and the like) as a model's PgList; NULL leaves the model's default (None).</summary>
    private sealed class PgListHandler<T> : SqlMapper.TypeHandler<PgList<T>>
    {
        public override PgList<T> Parse(object value) => new((T[])value);

        public override void SetValue(IDbDataParameter parameter, PgList<T>? value) =>
            parameter.Value = value is null ? DBNull.Value : value.ToArray();
    }
}
