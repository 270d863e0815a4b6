-- External ids (ATT&CK `T1059.001`, ATLAS `AML.T0051`, `CVE-2021-44228`, ...) as look-up
-- values of kind 'external-id:<source_name>', for the versions stored before the store kept
-- them at write time (see external_ids.rs, which computes the same values).
-- Only versions whose JSON mentions "external_id" are parsed (as `json`, not `jsonb`, which
-- refuses the \u0000 escape that STIX strings may carry).

INSERT INTO lookup_values (kind, value, collection_key, date_added)
SELECT DISTINCT 'external-id:' || (reference ->> 'source_name'),
       btrim(reference ->> 'external_id'),
       o.collection_key,
       o.date_added
FROM object_versions o
CROSS JOIN LATERAL json_array_elements(
    CASE WHEN json_typeof(o.json::json -> 'external_references') = 'array'
         THEN o.json::json -> 'external_references'
         ELSE '[]'::json END
) AS reference
WHERE strpos(o.json, '"external_id"') > 0
  AND json_typeof(reference -> 'external_id') = 'string'
  AND json_typeof(reference -> 'source_name') = 'string'
  AND btrim(reference ->> 'external_id') <> ''
ON CONFLICT DO NOTHING;
