using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Accepts true/false/yes/no/1/0 text (from Import-Csv) for a switch bound by property name.</summary>
internal sealed class FlagTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            null => new SwitchParameter(false),
            string s when string.IsNullOrWhiteSpace(s) => new SwitchParameter(false),
            string s when s.Trim().ToLowerInvariant() is "true" or "t" or "yes" or "y" or "1" or "on" => new SwitchParameter(true),
            string s when s.Trim().ToLowerInvariant() is "false" or "f" or "no" or "n" or "0" or "off" => new SwitchParameter(false),
            string s => throw new ArgumentTransformationMetadataException($"'{s}' is not a flag value; use true or false."),
            _ => inputData,
        };
    }
}

/// <summary>Writes the outcome of a send (spooled, replayed, failed) as warnings and verbose text, once per kind.</summary>
internal sealed class SendReporter
{
    private readonly PSCmdlet _cmdlet;
    private bool _warnedSpool;

    public SendReporter(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    public long Spooled { get; private set; }
    public long Written { get; private set; }
    public string? SpoolFile { get; private set; }

    public void Report(PgQuerySendResult result)
    {
        Written += result.Written;
        if (result.Replayed > 0)
            _cmdlet.WriteVerbose($"Replayed {result.Replayed} spooled record(s) from {result.SpoolFile}.");
        if (result.Alerts > 0)
            _cmdlet.WriteVerbose($"Opened or updated {result.Alerts} slow_query alert(s).");
        if (result.Spooled > 0)
        {
            Spooled += result.Spooled;
            SpoolFile = result.SpoolFile;
            if (!_warnedSpool)
                _cmdlet.WriteWarning($"Query log records could not be written ({result.Failure?.Message}) and were saved to the spool {result.SpoolFile}; the next successful send replays them.");
            _warnedSpool = true;
        }
        else if (result.Failure is not null)
        {
            _cmdlet.WriteWarning(result.Failure.Message);
        }
    }
}
