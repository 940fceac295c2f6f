-- Records that migration @version (@name) was applied, with the checksum of the text that was run.
INSERT INTO pgperf.schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)
