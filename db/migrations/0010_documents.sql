-- placeholder: filled by its feature's work (no-op until then)
SELECT 1;
