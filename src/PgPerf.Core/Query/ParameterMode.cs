namespace PgPerf;

/// <summary>What Send-PgQueryLog stores of a query's parameters.</summary>
public enum ParameterMode
{
    /// <summary>Store the parameters as given.</summary>
    Keep,

    /// <summary>Keep keys and value types; strings become "***", numbers 0, booleans false (null stays null).</summary>
    Redact,

    /// <summary>Store no parameters.</summary>
    Drop,
}
