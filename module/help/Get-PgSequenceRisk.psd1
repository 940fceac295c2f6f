@{
    Synopsis    = 'Lists every sequence with how much of its range is used, counting the column type it feeds.'
    Description = @'
Get-PgSequenceRisk returns one PgSequenceRisk per sequence of the current database, most used first: Schema, Sequence, the column it feeds (TableSchema, Table, Column, ColumnType; through an identity, serial/OWNED BY, or a nextval() default), Usage, DataType, LastValue, IncrementBy, MinValue, MaxValue, Cycles, EffectiveLimit, PercentUsed, ValuesLeft, Status and Flags.

EffectiveLimit is where inserts start failing: the sequence's own bound, or the column type's limit when that comes first (an integer column fed by a bigint sequence fails at 2147483647, long before the sequence's maximum; Flags ColumnLimit). PercentUsed is the share of the range from the start bound to EffectiveLimit that LastValue has used (descending sequences count downwards). Status is Warning at -WarningPercent (75 %), Critical at -CriticalPercent (90 %). A cycling sequence that wraps before its column overflows is Ok (Flags Cycles).

pg_sequences shows last_value only to roles with SELECT or USAGE on the sequence. With the pgperf schema installed, PgPerf reads it through pgperf.sequence_last_values() (migration 015, executable by pgperf_monitor), so a pg_monitor login sees every sequence. Without it, sequences this login cannot read have LastValue and PercentUsed empty, Flags NoAccess and Status Warning, and the cmdlet writes a warning.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        WarningPercent  = 'Status Warning when PercentUsed reaches this. Default 75.'
        CriticalPercent = 'Status Critical when PercentUsed reaches this. Default 90.'
        MinPercentUsed  = 'Only sequences at least this much used. Sequences that could not be read are always listed. Default 0.'
    }
    Examples    = @(
        @{
            Title   = 'Sequences about to run out'
            Code    = 'Get-PgSequenceRisk -MinPercentUsed 50 | Format-Table Sequence, Table, Column, ColumnType, LastValue, EffectiveLimit, PercentUsed, Status'
            Remarks = 'Shows every sequence past half its usable range and the column that will overflow.'
        }
        @{
            Title   = 'Integer columns fed by bigint sequences'
            Code    = "Get-PgSequenceRisk | Where-Object Flags -contains 'ColumnLimit' | Select-Object Sequence, Table, Column, ColumnType, DataType, PercentUsed"
            Remarks = 'These columns fail at 2^31 - 1 whatever the sequence allows; plan ALTER COLUMN ... TYPE bigint before PercentUsed gets high.'
        }
    )
    Links       = @('Invoke-PgHealthCheck')
}
