-- External ids (ATT&CK `T1059.001`, ATLAS `AML.T0051`, `CVE-2021-44228`, ...) as look-up
-- values of kind 'external-id:<source_name>', for the versions stored before the store kept
-- them at write time (see external_ids.rs, which computes the same values).
-- Only versions whose JSON mentions "external_id" are parsed.

INSERT OR IGNORE INTO lookup_values (kind, value, collection_key, date_added)
SELECT 'external-id:' || json_extract(reference.value, '$.source_name'),
       trim(json_extract(reference.value, '$.external_id')),
       o.collection_key,
       o.date_added
FROM object_versions o, json_each(o.json, '$.external_references') AS reference
WHERE instr(o.json, '"external_id"') > 0
  AND reference.type = 'object'
  AND (CASE WHEN reference.type = 'object'
            THEN json_type(reference.value, '$.external_id') END) = 'text'
  AND (CASE WHEN reference.type = 'object'
            THEN json_type(reference.value, '$.source_name') END) = 'text'
  AND (CASE WHEN reference.type = 'object'
            THEN trim(json_extract(reference.value, '$.external_id')) END) <> '';
