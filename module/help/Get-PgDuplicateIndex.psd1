@{
    Synopsis    = 'Finds indexes made redundant by another index on the same table.'
    Description = @'
Get-PgDuplicateIndex compares the indexes of each table structurally in pg_index, never by the text of their definitions: access method, key and INCLUDE columns, operator classes, collations, per-column options (ASC/DESC, NULLS FIRST/LAST), expressions and predicates. Kind is Exact when two indexes have the same structure and LeftPrefix when a btree index's key columns lead another btree index's key columns (the longer one serves the same searches).

Index is the redundant side, the one you could drop; CoveredBy is the index that stays. Both sides' sizes, scans and definitions are shown. The side proposed for dropping never backs a primary key, a unique or exclusion constraint, a foreign key's referenced key or the replica identity, and a unique index is proposed only when an equally unique index covers it. Of two exact equals, the one that enforces less, then the less used, then the newer is proposed. Needs no pgperf schema.
'@
    Parameters  = @{
        Kind = 'Only Exact or only LeftPrefix duplicates.'
    }
    Examples    = @(
        @{
            Title   = 'List duplicates with their sizes'
            Code    = 'Get-PgDuplicateIndex | Format-Table Table, Index, CoveredBy, Kind, SizeBytes, Scans'
            Remarks = 'Shows each redundant index next to the index that covers it.'
        }
        @{
            Title   = 'Drop exact duplicates after a review'
            Code    = 'Get-PgDuplicateIndex -Kind Exact | Remove-PgIndex -Confirm'
            Remarks = 'Asks before each DROP INDEX CONCURRENTLY; each drop returns the DDL that recreates the index.'
        }
    )
    Links       = @('Remove-PgIndex', 'Get-PgUnusedIndex')
}
