@{
    Synopsis    = 'Finds indexes made redundant by another index on the same table.'
    Description = @'
Get-PgDuplicateIndex compares the indexes of each table structurally in pg_index, never by the text of their definitions: access method, key and INCLUDE columns, operator classes, collations, per-column options (ASC/DESC, NULLS FIRST/LAST), expressions, predicates and, outside btree, storage options (a BRIN index with another pages_per_range is not a duplicate). Predicates are compared in PostgreSQL's stored form with each "constant op column" comparison turned round, so WHERE 0 < c equals WHERE c > 0 and WHERE c > '1' equals WHERE c > 1; conditions joined by AND in another order are not recognised as equal. Kind is Exact when two indexes have the same structure and LeftPrefix when a plain btree index's key columns (expressions included) lead another btree index's key columns and its INCLUDE columns are all in the other index: (a) is covered by (a, b) and by (a) INCLUDE (b), (a) INCLUDE (b) by (a, b), (lower(d)) by (lower(d), a).

Index is the redundant side, the one you could drop; CoveredBy is the index that stays. Both sides' sizes, scans and definitions are shown. The side proposed for dropping never backs a primary key, a unique or exclusion constraint, a foreign key's referenced key or the replica identity, and a unique index is proposed only when an equally unique index that checks at the same time covers it (a UNIQUE ... DEFERRABLE constraint does not cover an immediate unique index). On a partitioned table the pair of parent indexes is reported, with the sizes and scans of all their partitions; a partition's index attached to a parent index is never proposed, since PostgreSQL drops it only with its parent. Of two exact equals, the one that enforces less, then the less used, then the newer is proposed. Needs no pgperf schema.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the catalog of every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass; the catalog needs no more). Rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
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
        @{
            Title   = 'Duplicates on every registered server'
            Code    = 'Get-PgDuplicateIndex -Repository perfrepo/pgperf -Server ''prod-*'' | Format-Table Server, Table, Index, CoveredBy, Kind'
            Remarks = 'Reads each registered server whose name starts with prod- through its pg_monitor login, in parallel; Server says which one each row is on.'
        }
    )
    Links       = @('Remove-PgIndex', 'Get-PgUnusedIndex')
}
