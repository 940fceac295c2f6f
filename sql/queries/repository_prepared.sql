-- Whether Install-PgPerfSchema -Repository prepared this database: since when, or NULL.
SELECT repository_since FROM pgperf.monitored_servers WHERE server_id = 0
